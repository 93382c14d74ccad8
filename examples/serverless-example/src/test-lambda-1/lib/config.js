'use strict';

function loadConfig(env) {
  return {
    name: env.GREETING_NAME || 'world',
    stage: env.STAGE || 'dev',
  };
}

module.exports = { loadConfig };
