// The compare view: two sets or tests (A and B) side by side: the methods, branch leaves and lines one
// touched that the other did not, by file; a method opens its file.
import { el } from './dom.mjs';
import { siteOf } from './model.mjs';

/** Ids of `a` not in `b`, grouped by file path. */
function onlyIn(a, b) {
  const out = new Map();
  for (const [id, count] of a) {
    if (b.has(id)) continue;
    const { path, line } = siteOf(id);
    if (!out.has(path)) out.set(path, []);
    out.get(path).push({ id, line, count });
  }
  return out;
}

/** Lines of `a` not in `b`, per file. */
function linesOnlyIn(a, b) {
  const out = new Map();
  for (const [path, lines] of a) {
    const other = b.get(path) || new Map();
    const only = [...lines.keys()].filter((line) => !other.has(line)).sort((x, y) => x - y);
    if (only.length) out.set(path, only);
  }
  return out;
}

/** Fills the A and B pickers and the comparison. */
export function compareView(host, pickA, pickB, ws, route, go) {
  const items = ws.comparables();
  const fill = (select, value) => {
    select.replaceChildren(...items.map((item) => el('option', { value: item.key, selected: item.key === value }, item.label)));
  };
  const a = items.find((item) => item.key === route.a) || items[0];
  const b = items.find((item) => item.key === route.b) || items.find((item) => item !== a);
  fill(pickA, a && a.key);
  fill(pickB, b && b.key);
  host.replaceChildren();
  if (!a || !b) {
    host.append(el('p', { class: 'note summary' }, 'Open two sets (two openings of coverage) or a footprints body with two tests to compare them.'));
    return;
  }
  const fa = a.footprint();
  const fb = b.footprint();
  const methodsA = onlyIn(fa.methods, fb.methods);
  const methodsB = onlyIn(fb.methods, fa.methods);
  const leavesA = onlyIn(fa.branches, fb.branches);
  const leavesB = onlyIn(fb.branches, fa.branches);
  const linesA = linesOnlyIn(fa.lines, fb.lines);
  const linesB = linesOnlyIn(fb.lines, fa.lines);
  const size = (groups) => [...groups.values()].reduce((n, list) => n + list.length, 0);
  const both = [...fa.methods.keys()].filter((id) => fb.methods.has(id)).length;
  host.append(el('div', { class: 'summary' },
    el('table', { id: 'compare-summary' },
      el('tr', {}, el('th', {}, ''), el('th', {}, 'A'), el('th', {}, 'B'), el('th', {}, 'only A'), el('th', {}, 'only B'), el('th', {}, 'both')),
      el('tr', {}, el('td', {}, 'methods'), el('td', {}, fa.methods.size), el('td', {}, fb.methods.size), el('td', {}, size(methodsA)), el('td', {}, size(methodsB)), el('td', {}, both)),
      el('tr', {}, el('td', {}, 'branch leaves'), el('td', {}, fa.branches.size), el('td', {}, fb.branches.size), el('td', {}, size(leavesA)), el('td', {}, size(leavesB)),
        el('td', {}, [...fa.branches.keys()].filter((id) => fb.branches.has(id)).length)),
      el('tr', {}, el('td', {}, 'lines'), el('td', {}, count(fa.lines)), el('td', {}, count(fb.lines)), el('td', {}, size(linesA)), el('td', {}, size(linesB)), el('td', {}, count(fa.lines) - size(linesA))))));
  const column = (title, id, methods, leaves, lines) => {
    const out = el('div', { id });
    out.append(el('h3', {}, title));
    if (methods.size === 0 && leaves.size === 0 && lines.size === 0) out.append(el('p', { class: 'note' }, 'nothing'));
    const paths = [...new Set([...methods.keys(), ...leaves.keys(), ...lines.keys()])].sort();
    for (const path of paths) {
      out.append(el('h4', {}, path));
      for (const m of (methods.get(path) || []).sort((x, y) => x.line - y.line)) {
        out.append(el('div', { class: 'item', tabindex: '-1', dataset: { id: m.id }, onclick: () => openFile(ws, go, path, m) },
          el('code', {}, m.id), el('span', { class: 'count' }, `${m.count}×`)));
      }
      for (const leaf of leaves.get(path) || []) out.append(el('div', { class: 'item' }, el('code', {}, `leaf ${leaf.id}`), el('span', { class: 'count' }, `${leaf.count}×`)));
      if (lines.has(path)) out.append(el('div', { class: 'note' }, `lines ${lines.get(path).join(', ')}`));
    }
    return out;
  };
  host.append(column(`Only in A: ${a.label}`, 'only-a', methodsA, leavesA, linesA), column(`Only in B: ${b.label}`, 'only-b', methodsB, leavesB, linesB));
}

const count = (lines) => [...lines.values()].reduce((n, perLine) => n + perLine.size, 0);

function openFile(ws, go, path, method) {
  const has = (s) => s.data && s.data.files.some((f) => f.path === path);
  const at = ws.sets.findIndex((s) => s.kind !== 'bodies' && has(s));
  go({ view: 'files', set: String(at >= 0 ? at : ws.sets.findIndex(has)), file: path, method: method.id, line: String(method.line) });
}
