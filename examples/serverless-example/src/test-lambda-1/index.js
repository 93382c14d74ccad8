'use strict';
// The seed's example function (./src/test-lambda-1/index.handler): a small HTTP API behind API Gateway.
const { loadConfig } = require('./lib/config');
const { greet, farewell } = require('./lib/greeting');

// Runs while the module loads: reported once, as the init footprints.
const config = loadConfig(process.env);

function respond(statusCode, body) {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

exports.handler = async (event) => {
  const path = event.rawPath || event.path || '/';
  if (path === '/default') {
    return respond(200, { message: greet(config.name) });
  }
  if (path === '/sealights') {
    return respond(200, { message: farewell('Sealights'), stage: config.stage });
  }
  return respond(404, { message: `no route for ${path}` });
};
