'use strict';

function greet(name) {
  return `Hello, ${name}!`;
}

function farewell(name) {
  if (!name) {
    return 'Goodbye!';
  }
  return `Goodbye, ${name}!`;
}

module.exports = { greet, farewell };
