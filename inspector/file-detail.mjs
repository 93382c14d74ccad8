// One file of a set in detail: its numbers, the source with per-line counts (virtualized), its methods
// with ids and counts (click: jump to the line), the branch leaves that ran, and for the chosen method
// every test that ran it; a chosen test's lines are highlighted.
import { el, listKeys, percent } from './dom.mjs';
import { siteOf } from './model.mjs';
import { sourceView } from './source-view.mjs';

/**
 * Fills `host` with the file `route.file` of `set`. `route`: {file, line, method, test}; `go(changes)`
 * navigates (changes the URL hash). Returns the source view (or null when the file is unknown).
 */
export function fileDetail(host, ws, set, route, go) {
  host.replaceChildren();
  const fileIndex = set.data.files.findIndex((f) => f.path === route.file);
  const file = set.data.files[fileIndex];
  const test = route.test ? ws.tests.get(route.test) : undefined;
  if (!file) {
    host.append(el('p', { class: 'note' }, `${route.file} is not in the set “${set.name}”.`));
    return null;
  }
  const methods = set.data.methods.filter((m) => m.file === fileIndex).sort((a, b) => a.line - b.line || a.column - b.column);
  const listed = set.data.branches.filter((b) => b.file === fileIndex);
  const branches = listed.filter((b) => b.count > 0);
  const executable = file.lines.filter((c) => c !== null).length;
  const covered = file.lines.filter((c) => c !== null && c > 0).length;
  const hit = methods.filter((m) => m.count > 0).length;
  const text = ws.sourceText(file.path, file.url);
  host.append(el('div', { class: 'detail-head' },
    el('h2', { id: 'file-title' }, file.path),
    el('p', { id: 'file-numbers' },
      `lines ${covered} / ${executable} (${percent(covered, executable)}) · methods ${hit} / ${methods.length} (${percent(hit, methods.length)}) · ` +
      `branch leaves run ${branches.length}${listed.length > branches.length ? ` / ${listed.length}` : ''}` + (test ? ` · highlighted: lines of test “${test.name}”` : '')),
    text === undefined ? el('p', { class: 'note', id: 'no-source' }, 'No source text for this file: open the project folder (or maps with sourcesContent) to see the code.') : null));

  const methodsAt = new Map();
  for (const m of methods) {
    if (!methodsAt.has(m.line)) methodsAt.set(m.line, []);
    methodsAt.get(m.line).push(m);
  }
  const branchesAt = new Map();
  for (const b of branches) {
    if (!branchesAt.has(b.line)) branchesAt.set(b.line, []);
    branchesAt.get(b.line).push(b);
  }
  const marked = new Set();
  if (test) {
    for (const [id, lines] of test.methodLines) if (siteOf(id).path === file.path) lines.forEach((l) => marked.add(l));
    for (const id of test.methods.keys()) if (siteOf(id).path === file.path) marked.add(siteOf(id).line);
  }
  const body = el('div', { class: 'detail-body' });
  host.append(body);
  const view = sourceView(body, {
    text: text ?? '',
    counts: set.kind === 'bodies' ? null : file.lines,
    methodsAt,
    branchesAt,
    marked,
    onMethod: (id) => go({ method: id, line: String(siteOf(id).line) }),
  });

  const side = el('aside', { class: 'side', id: 'side' });
  body.append(side);
  if (route.method) {
    const method = methods.find((m) => m.id === route.method);
    const tests = ws.testsOf(route.method);
    side.append(el('h3', {}, 'Method'),
      el('div', { class: 'note', id: 'method-info' }, el('code', {}, route.method), method ? ` ${method.name || '(anonymous)'} · ${method.count} call(s)` : ''),
      el('h3', {}, `Tests that ran it (${tests.length})`));
    const list = el('div', { id: 'method-tests', role: 'listbox', tabindex: '0' });
    if (tests.length === 0) list.append(el('p', { class: 'note' }, ws.tests.size ? 'No test of the opened bodies ran it.' : 'Open footprints bodies to see which tests ran it.'));
    for (const t of tests) {
      list.append(el('div', {
        class: 'item', tabindex: '-1', role: 'option', 'aria-selected': String(t.key === route.test),
        onclick: () => go({ view: 'tests', test: t.key }),
      }, el('code', {}, t.name), el('span', { class: 'count' }, `${t.methods.get(route.method)} hit(s)`)));
    }
    listKeys(list, '.item');
    side.append(list);
  }
  side.append(el('h3', {}, `Methods (${hit} / ${methods.length} run)`));
  const list = el('div', { id: 'method-list', role: 'listbox', tabindex: '0' });
  for (const m of methods) {
    list.append(el('div', {
      class: `item${m.count > 0 ? '' : ' zero'}`, tabindex: '-1', role: 'option', 'aria-selected': String(m.id === route.method),
      dataset: { id: m.id }, title: m.id,
      onclick: () => go({ method: m.id, line: String(m.line) }),
    }, el('code', {}, `${m.name || '(anonymous)'} `, el('small', {}, `@${m.line},${m.column}`)), el('span', { class: 'count' }, `${m.count}×`)));
  }
  listKeys(list, '.item');
  side.append(list);
  if (branches.length) {
    side.append(el('h3', {}, `Branch leaves run (${branches.length})`));
    const leaves = el('div', { id: 'branch-list' });
    for (const b of branches) {
      leaves.append(el('div', { class: 'item', onclick: () => go({ line: String(b.line) }) }, el('code', {}, b.id), el('span', { class: 'count' }, `${b.count}×`)));
    }
    side.append(leaves);
  }
  if (route.line) requestAnimationFrame(() => view.scrollTo(Number(route.line)));
  return view;
}
