// The shipped module's exports take and return plain numbers only: no multi-value results, no externref
// parameters. V8 before 12 (Node 18 and 20) calls such exports through its generic JS-to-WebAssembly wrapper;
// for any other signature it compiles a wrapper when the module compiles and keeps the compilation jobs for
// the life of the module (1.1 MB of the layer's memory on Node 20). build.sh's build_pkg chooses the ABI;
// this test fails if a toolchain or build change brings the other one back.
// Needs ./build.sh (pkg/).
//
//   node --test tests/node/wasm-exports.test.mjs
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';

const WASM = new URL('../../pkg/v8_footprints_bg.wasm', import.meta.url);

const VALUE_TYPES = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128', 0x70: 'funcref', 0x6f: 'externref' };
const NUMBERS = new Set(['i32', 'i64', 'f32', 'f64']);

/** Each exported function's name and signature, read from the module's type, import, function and export sections. */
function exportedSignatures(bytes) {
  let at = 8;
  const u32 = () => {
    let value = 0;
    let shift = 0;
    let byte;
    do {
      byte = bytes[at++];
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return value;
  };
  const valueType = () => {
    const code = bytes[at++];
    if (!(code in VALUE_TYPES)) throw new Error(`value type 0x${code.toString(16)} at byte ${at - 1} is not known here`);
    return VALUE_TYPES[code];
  };
  const list = (read) => Array.from({ length: u32() }, read);
  const name = () => {
    const length = u32();
    at += length;
    return Buffer.from(bytes.subarray(at - length, at)).toString('utf8');
  };
  const limits = () => {
    const flags = bytes[at++];
    u32();
    if (flags & 1) u32();
  };
  const types = [];
  const functionTypes = [];
  const exports = [];
  while (at < bytes.length) {
    const section = bytes[at++];
    const end = u32() + at;
    if (section === 1) {
      for (const _ of list(() => 0)) {
        if (bytes[at++] !== 0x60) throw new Error(`type at byte ${at - 1} is not a function type`);
        types.push({ params: list(valueType), results: list(valueType) });
      }
    } else if (section === 2) {
      for (const _ of list(() => 0)) {
        name();
        name();
        const kind = bytes[at++];
        if (kind === 0) functionTypes.push(u32());
        else if (kind === 1) (valueType(), limits());
        else if (kind === 2) limits();
        else if (kind === 3) at += 2;
        else if (kind === 4) (at++, u32());
        else throw new Error(`import kind ${kind} at byte ${at - 1} is not known here`);
      }
    } else if (section === 3) {
      functionTypes.push(...list(u32));
    } else if (section === 7) {
      for (const _ of list(() => 0)) {
        const exported = name();
        const kind = bytes[at++];
        const index = u32();
        if (kind === 0) exports.push({ name: exported, ...types[functionTypes[index]] });
      }
    }
    at = end;
  }
  return exports;
}

test('every export of the shipped module takes numbers and returns at most one number', () => {
  const exports = exportedSignatures(fs.readFileSync(WASM));
  const names = exports.map((e) => e.name);
  assert.ok(names.includes('wasmconverter_new') && names.includes('wasmpendinghits_addHitPacked'), names.join(' '));
  const offending = exports
    .filter((e) => e.results.length > 1 || ![...e.params, ...e.results].every((type) => NUMBERS.has(type)))
    .map((e) => `${e.name} (${e.params}) -> (${e.results})`);
  assert.deepEqual(offending, []);
});

test("results come back through wasm-bindgen's return area, the ABI without multi-value", () => {
  const exports = exportedSignatures(fs.readFileSync(WASM));
  const stackPointer = exports.find((e) => e.name === '__wbindgen_add_to_stack_pointer');
  assert.deepEqual(stackPointer, { name: '__wbindgen_add_to_stack_pointer', params: ['i32'], results: ['i32'] });
  const projectRoot = exports.find((e) => e.name === 'wasmconverter_projectRoot');
  assert.deepEqual(projectRoot, { name: 'wasmconverter_projectRoot', params: ['i32', 'i32'], results: [] });
});
