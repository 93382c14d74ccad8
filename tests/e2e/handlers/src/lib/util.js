'use strict';

function loadSettings(name) {
  return { name, loadedBy: 'init' };
}

function shout(word) {
  return word.toUpperCase() + '!';
}

function unused() {
  return 'never called';
}

module.exports = { loadSettings, shout, unused };
