'use strict';
// A function with its own SIGTERM listener, which decides how the process ends: it writes a line, then ends
// the process with SIGKILL a little later (process.exit() from a signal listener hangs in the runtime clients,
// whose native client waits in a blocking call). The layer must not end the process itself, nor call this
// listener twice.
process.on('SIGTERM', () => {
  console.log('[fixture] SIGTERM received');
  setTimeout(() => process.kill(process.pid, 'SIGKILL'), 500);
});

exports.handler = async () => ({ statusCode: 200, body: 'ok' });
