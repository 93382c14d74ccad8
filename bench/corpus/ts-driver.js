'use strict';
// Drives TypeScript's compiler API (typescript.js next to this file) on a small file: parse, bind, check
// against lib.es5.d.ts, emit. The lib's parsed file is kept between runs, as a language service would.
const fs = require('node:fs');
const path = require('node:path');
const ts = require('./typescript.js');

const MAIN = '/virtual/main.ts';
const TEXT = `
interface Shape { kind: 'circle' | 'square'; size: number }
enum Unit { Mm, Cm }
export class Area {
  constructor(private readonly unit: Unit = Unit.Mm) {}
  of(shape: Shape): number {
    switch (shape.kind) {
      case 'circle': return Math.PI * shape.size ** 2;
      case 'square': return shape.size * shape.size;
    }
  }
  total(shapes: readonly Shape[]): string {
    const sum = shapes.map((s) => this.of(s)).reduce((a, b) => a + b, 0);
    return \`\${sum.toFixed(2)} \${Unit[this.unit]}²\`;
  }
}
export const sample = new Area(Unit.Cm).total([{ kind: 'circle', size: 2 }, { kind: 'square', size: 3 }]);
`;
const libs = new Map();
const options = { target: ts.ScriptTarget.ES2017, module: ts.ModuleKind.CommonJS, strict: true, lib: ['lib.es5.d.ts'], types: [] };

function compile() {
  const out = {};
  const host = {
    getSourceFile(name, languageVersion) {
      if (name === MAIN) return ts.createSourceFile(name, TEXT, languageVersion);
      const file = path.join(__dirname, path.basename(name));
      if (!libs.has(file)) libs.set(file, fs.existsSync(file) ? ts.createSourceFile(name, fs.readFileSync(file, 'utf8'), languageVersion) : undefined);
      return libs.get(file);
    },
    getDefaultLibFileName: () => '/lib/lib.es5.d.ts',
    writeFile: (name, text) => (out[name] = text),
    getCurrentDirectory: () => '/virtual',
    getDirectories: () => [],
    fileExists: (name) => name === MAIN || fs.existsSync(path.join(__dirname, path.basename(name))),
    readFile: (name) => (name === MAIN ? TEXT : undefined),
    getCanonicalFileName: (name) => name,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => '\n',
  };
  const program = ts.createProgram([MAIN], options, host);
  const diagnostics = ts.getPreEmitDiagnostics(program);
  program.emit();
  return { diagnostics: diagnostics.length, js: out['/virtual/main.js'] };
}

exports.handler = async () => compile();
exports.sampleEvent = {};
