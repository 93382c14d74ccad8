'use strict';
// Routes whose module's source file is deleted or rewritten while the invocation runs: the converter cannot
// read it (or reads something else) when it converts what ran.
const fs = require('fs');
const path = require('path');

function keep() {
  return 'kept';
}

exports.handler = async (event) => {
  const route = event.rawPath || event.path;
  if (route === '/gone') {
    const file = path.join(__dirname, 'gone.js');
    const gone = require(file);
    fs.rmSync(file, { force: true });
    return { statusCode: 200, body: gone.gone() + ' ' + keep() };
  }
  if (route === '/changed') {
    const file = path.join(__dirname, 'changing.js');
    const changing = require(file);
    fs.writeFileSync(file, '// rewritten after load\n'.repeat(3) + 'x');
    return { statusCode: 200, body: changing.changing() + ' ' + keep() };
  }
  return { statusCode: 200, body: keep() };
};
