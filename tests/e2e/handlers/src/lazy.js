'use strict';

function lazy() {
  return 'lazy';
}

module.exports = { lazy };
