// The handler of project/ plus large real libraries, bundled into one multi-megabyte script for
// the conversion benchmark (bench.mjs).
import * as _ from 'lodash-es';
import moment from 'moment';
import 'moment/min/locales';
import { parse } from 'acorn';
import { minify } from 'terser';
import Ajv from 'ajv';
import { SourceMapGenerator } from 'source-map';
import { RawSource } from 'webpack-sources';
import { handler as appHandler, ApiEvent } from '../project/src/handler';

export async function handler(event: ApiEvent) {
  const base = await appHandler(event);
  const groups = _.groupBy(_.range(50), (n) => n % 7);
  const merged = _.merge({ a: [{ b: 1 }] }, { a: [{ c: 2 }] }, _.cloneDeep({ d: new Date(0) }));
  const when = moment('2024-02-29T12:00:00Z').utc().locale(_.sample(['fr', 'de', 'ja']) ?? 'en');
  const ast = parse('const x = (a, b) => a + b; function f() { return x(1, 2); }', { ecmaVersion: 'latest' });
  const validate = new Ajv().compile({ type: 'object', properties: { n: { type: 'integer' } } });
  const generator = new SourceMapGenerator({ file: 'a.js' });
  generator.addMapping({ source: 'a.ts', original: { line: 1, column: 0 }, generated: { line: 1, column: 0 } });
  const raw = new RawSource('x').size();
  const small = await minify('function add(first, second) { return first + second; } add(1, 2);');
  return {
    ...base,
    extra: [_.size(groups), _.keys(merged).join(), when.format('LLLL'), ast.body.length, small.code?.length, validate({ n: 1 }), generator.toString().length, raw],
  };
}
