'use strict';
// The e2e fixture: known code paths, one method per route, a helper called at load time (init footprints),
// a dependency in node_modules (never reported) and a module loaded lazily by one route.
const util = require('./lib/util');
const dep = require('e2e-dep');

const settings = util.loadSettings('e2e');
const banner = dep.pad('init');

function routeA() {
  const word = util.shout('a');
  return word + ' ' + dep.pad(settings.name);
}

function routeB() {
  return 'b';
}

function routeLazy() {
  return require('./lazy').lazy();
}

function route(path) {
  switch (path) {
    case '/a':
      return routeA();
    case '/b':
      return routeB();
    case '/lazy':
      return routeLazy();
    default:
      return null;
  }
}

exports.handler = async (event) => {
  const path = event.rawPath || event.path || '/';
  const body = route(path);
  return { statusCode: body === null ? 404 : 200, body: body === null ? 'no route ' + path : body, banner };
};

exports.callback = function callbackHandler(event, context, callback) {
  setTimeout(() => callback(null, { statusCode: 200, body: route(event.rawPath || event.path) }), 5);
};
