// The tests view: every test of the opened footprints bodies with what its hits touched (methods,
// branch leaves, lines), and for the chosen test its methods by file; a method opens the file with the
// test's lines highlighted.
import { el, listKeys } from './dom.mjs';
import { siteOf } from './model.mjs';

/** The list of tests in `host` (its keys are set up once: `listKeys(host, '.item')`). */
export function testList(host, ws, route, go) {
  const query = (route.tq || '').toLowerCase();
  host.replaceChildren();
  const tests = [...ws.tests.values()].filter((t) => !query || t.name.toLowerCase().includes(query));
  if (ws.tests.size === 0) {
    host.append(el('p', { class: 'note' }, 'No footprints bodies opened: open what the layer sent (format 6.0, JSON or .gz) or what the stand-in recorded.'));
    return;
  }
  const several = ws.executionCount() > 1;
  for (const t of tests) {
    host.append(el('div', {
      class: 'item', role: 'option', tabindex: '-1', 'aria-selected': String(t.key === route.test), dataset: { key: t.key },
      onclick: () => go({ test: t.key, file: null, method: null, line: null }),
    }, el('code', {}, t.name, several ? el('small', {}, ` ${t.executionId}`) : null),
    el('span', { class: 'count' }, `${t.methods.size} methods · ${t.branches.size} leaves · ${t.hits} hit(s)`)));
  }
}

/** The chosen test: its numbers and its methods grouped by file. */
export function testDetail(host, ws, route, go) {
  host.replaceChildren();
  const test = ws.tests.get(route.test);
  if (!test) {
    host.append(el('p', { class: 'note' }, ws.tests.size ? 'Pick a test to see what it touched.' : ''));
    return;
  }
  let lines = 0;
  for (const covered of test.methodLines.values()) lines += covered.length;
  host.append(el('div', { class: 'detail-head' },
    el('h2', { id: 'test-title' }, test.name),
    el('p', { id: 'test-numbers' }, `execution ${test.executionId} · ${test.hits} hit(s)${test.init ? ' (with module load)' : ''} · ` +
      `${test.methods.size} methods · ${test.branches.size} branch leaves · ${lines} lines · from ${[...test.bodies].join(', ')}`)));
  const byFile = new Map();
  for (const [id, hits] of test.methods) {
    const { path, line } = siteOf(id);
    if (!byFile.has(path)) byFile.set(path, []);
    byFile.get(path).push({ id, line, hits });
  }
  const list = el('div', { class: 'side', id: 'test-methods', style: 'width:auto;max-width:none;border:0' });
  // A method opens its file in the first converted set that has it, else in the set of every test.
  const setFor = (path) => {
    const has = (s) => s.data && s.data.files.some((f) => f.path === path);
    const at = ws.sets.findIndex((s) => s.kind !== 'bodies' && has(s));
    return String(at >= 0 ? at : ws.sets.findIndex(has));
  };
  for (const [path, methods] of [...byFile].sort((a, b) => a[0].localeCompare(b[0]))) {
    list.append(el('h3', {}, path));
    for (const m of methods.sort((a, b) => a.line - b.line)) {
      list.append(el('div', {
        class: 'item', tabindex: '-1', dataset: { id: m.id },
        onclick: () => go({ view: 'files', set: setFor(path), file: path, method: m.id, line: String(m.line), test: test.key }),
      }, el('code', {}, m.id), el('span', { class: 'count' }, `${m.hits} hit(s)${test.methodLines.has(m.id) ? ` · lines ${test.methodLines.get(m.id).join(',')}` : ''}`)));
    }
  }
  listKeys(list, '.item');
  host.append(list);
}
