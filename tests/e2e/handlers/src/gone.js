'use strict';

function gone() {
  return 'gone';
}

module.exports = { gone };
