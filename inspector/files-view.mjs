// The files view: a folder tree of the set's files with per-file (and per-folder) line, method and
// branch-leaf numbers as the converter returned them; sort, filter, search; a file opens its detail.
import { el, listKeys, meter, percent } from './dom.mjs';
import { fileSummaries } from './model.mjs';

const FILTERS = {
  all: () => true,
  uncovered: (s) => s.covered < s.executable,
  untouched: (s) => s.covered === 0 && s.methodsHit === 0,
  full: (s) => s.executable > 0 && s.covered === s.executable,
};
const SORTS = {
  name: (a, b) => a.name.localeCompare(b.name),
  lines: (a, b) => ratio(a.covered, a.executable) - ratio(b.covered, b.executable) || a.name.localeCompare(b.name),
  methods: (a, b) => ratio(a.methodsHit, a.methods) - ratio(b.methodsHit, b.methods) || a.name.localeCompare(b.name),
  missed: (a, b) => (b.executable - b.covered) - (a.executable - a.covered) || a.name.localeCompare(b.name),
};
const ratio = (covered, total) => (total ? covered / total : 1);
/** Branch leaves run, and of how many listed when the data lists leaves that did not run. */
const leaves = (n) => (n.branches > n.branchesHit ? `${n.branchesHit}/${n.branches}` : String(n.branchesHit));

/** Folders as nodes with summed numbers; files as leaves. */
function buildTree(summaries) {
  const root = { name: '', path: '', children: new Map(), executable: 0, covered: 0, methods: 0, methodsHit: 0, branches: 0, branchesHit: 0 };
  for (const s of summaries) {
    const parts = s.path.split('/');
    let node = root;
    const add = (n) => {
      for (const key of ['executable', 'covered', 'methods', 'methodsHit', 'branches', 'branchesHit']) n[key] += s[key];
    };
    add(root);
    parts.slice(0, -1).forEach((part, i) => {
      if (!node.children.has(part)) {
        node.children.set(part, { name: part, path: parts.slice(0, i + 1).join('/'), children: new Map(), executable: 0, covered: 0, methods: 0, methodsHit: 0, branches: 0, branchesHit: 0 });
      }
      node = node.children.get(part);
      add(node);
    });
    node.children.set(parts[parts.length - 1] + '\u0000file', { ...s, name: parts[parts.length - 1], file: true });
  }
  return root;
}

/** Renders the tree of `set` into `host` (a fresh render each time the route's list inputs change). */
export function filesTree(host, totalsHost, set, route, go, collapsed) {
  const query = (route.q || '').toLowerCase();
  const filter = FILTERS[route.filter] || FILTERS.all;
  const sort = SORTS[route.sort] || SORTS.name;
  const summaries = fileSummaries(set.data).filter((s) => filter(s) && (!query || s.path.toLowerCase().includes(query)));
  const tree = buildTree(summaries);
  const counts = set.kind === 'bodies' ? 'tests' : 'lines';
  totalsHost.replaceChildren(
    el('span', { id: 'total-numbers' },
      `${summaries.length} file(s) · ${counts} ${tree.covered} / ${tree.executable} (${percent(tree.covered, tree.executable)}) · ` +
      `methods ${tree.methodsHit} / ${tree.methods} (${percent(tree.methodsHit, tree.methods)}) · branch leaves run ${leaves(tree)}`));
  host.replaceChildren(el('div', { class: 'row head' }, el('span', {}, 'file'), el('span', { class: 'num' }, 'lines'), el('span', { class: 'num' }, 'methods'), el('span', { class: 'num' }, 'leaves')));
  const rows = [];
  const walk = (node, depth) => {
    const children = [...node.children.values()].sort((a, b) => (a.file === b.file ? sort(a, b) : a.file ? 1 : -1));
    for (const child of children) {
      const open = !collapsed.has(child.path) || Boolean(query);
      const row = el('div', {
        class: 'row', role: 'treeitem', tabindex: '-1', 'aria-level': String(depth + 1),
        'aria-expanded': child.file ? null : String(open),
        'aria-selected': String(Boolean(child.file) && child.path === route.file),
        dataset: { path: child.path, kind: child.file ? 'file' : 'folder' },
        title: child.path,
        onclick: () => {
          if (child.file) go({ file: child.path, line: null, method: null });
          else {
            if (collapsed.has(child.path)) collapsed.delete(child.path);
            else collapsed.add(child.path);
            filesTree(host, totalsHost, set, route, go, collapsed);
            host.querySelector(`[data-path="${CSS.escape(child.path)}"]`)?.focus();
          }
        },
      },
      el('span', { class: `name${child.file ? '' : ' folder'}`, style: `padding-left:${depth * 14}px` }, child.name),
      el('span', { class: 'num' }, meter(child.covered, child.executable), ` ${child.covered}/${child.executable}`),
      el('span', { class: 'num' }, `${child.methodsHit}/${child.methods}`),
      el('span', { class: 'num' }, leaves(child)));
      rows.push(row);
      host.append(row);
      if (!child.file && open) walk(child, depth + 1);
    }
  };
  walk(tree, 0);
  if (summaries.length === 0) host.append(el('p', { class: 'note' }, 'No file matches.'));
  return rows;
}

/** Keys of the tree: ←/→ fold and unfold folders (the rest as in every list). */
export function treeKeys(host, collapsedFor) {
  listKeys(host, '.row[role="treeitem"]', (event, item) => {
    if (!item || item.dataset.kind !== 'folder') return;
    const expanded = item.getAttribute('aria-expanded') === 'true';
    if ((event.key === 'ArrowLeft' && expanded) || (event.key === 'ArrowRight' && !expanded)) {
      event.preventDefault();
      item.click();
    }
  });
}
