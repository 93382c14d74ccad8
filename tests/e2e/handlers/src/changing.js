'use strict';

function changing() {
  return 'changing';
}

module.exports = { changing };
