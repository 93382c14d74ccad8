// The inspector page: loads the package's web entry (the wasm converter), opens what it is given (drop,
// file pickers, or files preloaded by `v8-footprints inspect` / the stand-in), and shows the view the URL
// hash names (`#view=files&set=0&file=src/a.js&line=12&method=...&test=...`), so a view can be reloaded,
// bookmarked and navigated with the browser's back button.
import init, { Converter, merge } from './lib/web.js';
import { compareView } from './compare-view.mjs';
import { el, listKeys } from './dom.mjs';
import { fileDetail } from './file-detail.mjs';
import { filesTree, treeKeys } from './files-view.mjs';
import { fromDataTransfer, fromFileList, fromPreload, readFiles } from './inputs.mjs';
import { Workspace } from './model.mjs';
import { testDetail, testList } from './tests-view.mjs';

// The elements of index.html by id: each is there and of the kind its use needs (the page's tests in Chromium
// open every view), so their type is left to each use.
/** @type {(id: string) => any} */
const $ = (id) => document.getElementById(id);
const VIEWS = ['files', 'tests', 'compare', 'problems'];
const status = $('status');
let ws;
let version = 0; // bumped whenever the workspace changes
const collapsed = new Set(); // folders folded in the tree
const drawn = {}; // what each part was last drawn for
let source = null; // the open source view

const route = () => Object.fromEntries(new URLSearchParams(location.hash.slice(1)));

/** Navigates: merges `changes` into the hash (null removes a key); the hashchange handler draws. */
function go(changes) {
  const params = new URLSearchParams(location.hash.slice(1));
  for (const [key, value] of Object.entries(changes)) {
    if (value === null || value === undefined || value === '') params.delete(key);
    else params.set(key, value);
  }
  const hash = `#${params}`;
  if (hash !== location.hash) {
    location.hash = hash; // a history entry: the back button returns to the view before
    lastDrawn = hash;
  }
  draw(); // now, not at the hashchange event: a key pressed next finds the view in place
}

let lastDrawn = null;
function onHashChange() {
  if (location.hash !== lastDrawn) draw(); // changed by the user (back button, an edited URL)
  lastDrawn = null;
}

function setStatus(text, error = false) {
  status.textContent = text;
  status.className = error ? 'error' : '';
}

function summary() {
  const coverageFiles = ws.sets.reduce((n, s) => n + (s.coverage ? s.coverage.length : 0), 0);
  const problems = ws.problems().length;
  return `${ws.sets.length} set(s) from ${coverageFiles} coverage file(s) · ${ws.bodies.length} footprints bod${ws.bodies.length === 1 ? 'y' : 'ies'}, ` +
    `${ws.tests.size} test(s) · ${ws.pool.texts.size} source file(s) · project root ${ws.root || '(none)'}` +
    (problems ? ` · ${problems} problem(s)` : '');
}

/** Reads files and adds them to the workspace as one opening. */
/**
 * @param {{path: string, bytes: Uint8Array, direct?: boolean}[]} files
 * @param {string} name
 * @param {string} [root]
 * @param {{file: string, message: string}[]} [extraProblems]
 */
async function open(files, name, root, extraProblems = []) {
  document.body.dataset.state = 'busy';
  setStatus(`reading ${files.length} file(s)…`);
  try {
    const t0 = performance.now();
    const read = await readFiles(files);
    read.problems.unshift(...extraProblems);
    ws.add(read, name, root);
    version++;
    setStatus(`${summary()} · read and converted in ${Math.round(performance.now() - t0)} ms`);
  } catch (error) {
    setStatus(`could not open: ${error.message}`, true);
  }
  document.body.dataset.state = 'ready';
  document.body.dataset.opened = String(Number(document.body.dataset.opened || 0) + 1); // openings done
  $('root').value = ws.root;
  if (!location.hash) go({ view: ws.sets.some((s) => s.kind !== 'bodies') || ws.tests.size === 0 ? 'files' : 'tests' });
  else draw();
}

const nameOf = (files) => {
  const top = new Set(files.map((f) => f.path.split('/')[0]));
  return top.size === 1 ? [...top][0] : `${files.length} files`;
};

function draw() {
  const r = route();
  const view = VIEWS.includes(r.view) ? r.view : 'files';
  for (const button of /** @type {NodeListOf<HTMLButtonElement>} */ (document.querySelectorAll('#tabs button'))) {
    button.toggleAttribute('aria-current', button.dataset.view === view);
    if (button.dataset.view === view) button.setAttribute('aria-current', 'page');
  }
  const empty = ws.sets.length === 0 && ws.tests.size === 0 && ws.problems().length === 0;
  $('welcome').hidden = !empty;
  for (const v of VIEWS) $(`view-${v}`).hidden = empty || v !== view;
  const problems = ws.problems();
  $('problem-count').hidden = problems.length === 0;
  $('problem-count').textContent = String(problems.length);
  const setIndex = Math.min(Number(r.set) || 0, Math.max(0, ws.sets.length - 1));
  const select = $('set-select');
  if (drawn.sets !== version) {
    select.replaceChildren(...ws.sets.map((s, i) => el('option', { value: String(i) }, `${s.name}`)));
    drawn.sets = version;
  }
  select.value = String(setIndex);
  const set = ws.sets[setIndex];
  if (view === 'files' && set) drawFiles(set, setIndex, r);
  if (view === 'tests') drawTests(r);
  if (view === 'compare') compareView($('compare-result'), $('compare-a'), $('compare-b'), ws, r, go);
  if (view === 'problems') drawProblems(problems);
}

function drawFiles(set, setIndex, r) {
  $('search').value = r.q || '';
  $('filter').value = r.filter || 'all';
  $('sort').value = r.sort || 'name';
  const treeKey = [version, setIndex, r.q, r.filter, r.sort, r.file].join('\u0000');
  if (drawn.tree !== treeKey) {
    filesTree($('tree'), $('totals'), set, r, go, collapsed);
    drawn.tree = treeKey;
  }
  const detailKey = [version, setIndex, r.file, r.method, r.test].join('\u0000');
  if (!r.file) {
    $('file-detail').replaceChildren(el('p', { class: 'note' }, 'Pick a file to see its source with per-line counts, its methods and branch leaves.'));
    drawn.detail = detailKey;
    source = null;
  } else if (drawn.detail !== detailKey) {
    source = fileDetail($('file-detail'), ws, set, r, go);
    drawn.detail = detailKey;
    drawn.line = r.line;
  } else if (source && r.line && drawn.line !== r.line) {
    source.scrollTo(Number(r.line));
    drawn.line = r.line;
  }
}

function drawTests(r) {
  $('test-search').value = r.tq || '';
  testList($('test-list'), ws, r, go);
  testDetail($('test-detail'), ws, r, go);
}

function drawProblems(problems) {
  const host = $('problem-list');
  host.replaceChildren();
  if (problems.length === 0) host.append(el('p', { class: 'note' }, 'Every opened file was read and every script converted.'));
  for (const p of problems) {
    const where = p.inputs ? ` (set ${p.set}, named by ${p.inputs.length} coverage file(s))` : p.set ? ` (set ${p.set})` : '';
    host.append(el('div', { class: 'problem' }, el('b', {}, p.file), where ? el('small', { title: (p.inputs || []).join('\n') }, where) : null, el('p', {}, p.message)));
  }
}

function save() {
  const set = ws.sets[Number(route().set) || 0];
  if (!set) return;
  const blob = new Blob([JSON.stringify(set.data)], { type: 'application/json' });
  const link = el('a', { href: URL.createObjectURL(blob), download: `${set.name.replace(/[^\w.-]+/g, '_')}.footprints.json` });
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

const THEMES = ['light', 'dark'];
function applyTheme(theme) {
  if (THEMES.includes(theme)) document.documentElement.dataset.theme = theme;
  else delete document.documentElement.dataset.theme;
}

function wire() {
  for (const button of /** @type {NodeListOf<HTMLButtonElement>} */ (document.querySelectorAll('#tabs button'))) button.addEventListener('click', () => go({ view: button.dataset.view }));
  $('open-files').addEventListener('click', () => $('file-input').click());
  $('open-folder').addEventListener('click', () => $('folder-input').click());
  for (const id of ['file-input', 'folder-input']) {
    $(id).addEventListener('change', async (event) => {
      const files = await fromFileList(event.target.files);
      event.target.value = '';
      await open(files, nameOf(files));
    });
  }
  $('set-select').addEventListener('change', (event) => go({ set: event.target.value, file: null, method: null, line: null }));
  $('root').addEventListener('change', (event) => {
    ws.setRoot(event.target.value.trim(), true);
    ws.convertAll();
    version++;
    setStatus(summary());
    draw();
  });
  $('search').addEventListener('input', (event) => go({ q: event.target.value }));
  $('filter').addEventListener('change', (event) => go({ filter: event.target.value === 'all' ? null : event.target.value }));
  $('sort').addEventListener('change', (event) => go({ sort: event.target.value === 'name' ? null : event.target.value }));
  $('test-search').addEventListener('input', (event) => go({ tq: event.target.value }));
  $('compare-a').addEventListener('change', (event) => go({ a: event.target.value }));
  $('compare-b').addEventListener('change', (event) => go({ b: event.target.value }));
  $('compare-swap').addEventListener('click', () => go({ a: $('compare-b').value, b: $('compare-a').value }));
  $('save').addEventListener('click', save);
  $('theme').addEventListener('click', () => {
    const dark = getComputedStyle(document.documentElement).colorScheme === 'dark';
    const next = dark ? 'light' : 'dark';
    applyTheme(next);
    localStorage.setItem('v8-footprints-theme', next);
  });
  treeKeys($('tree'));
  listKeys($('test-list'), '.item');
  window.addEventListener('hashchange', onHashChange);
  // Drag and drop anywhere on the page.
  let depth = 0;
  document.addEventListener('dragenter', (event) => {
    event.preventDefault();
    depth++;
    $('drop').hidden = false;
  });
  document.addEventListener('dragleave', () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) $('drop').hidden = true;
  });
  document.addEventListener('dragover', (event) => event.preventDefault());
  document.addEventListener('drop', async (event) => {
    event.preventDefault();
    depth = 0;
    $('drop').hidden = true;
    const files = await fromDataTransfer(event.dataTransfer);
    await open(files, nameOf(files));
  });
  // Keys that work anywhere but in a text field.
  document.addEventListener('keydown', (event) => {
    const typing = event.target instanceof HTMLInputElement || event.target instanceof HTMLSelectElement;
    if (event.key === 'Escape') {
      if (typing) event.target.blur();
      else if (route().method) go({ method: null });
      else if (route().file) go({ file: null, line: null });
      else if (route().test) go({ test: null });
      return;
    }
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    const view = VIEWS[Number(event.key) - 1];
    if (view) go({ view });
    else if (event.key === '/') {
      event.preventDefault();
      const r = route();
      const target = r.view === 'tests' ? $('test-search') : $('search');
      if (r.view !== 'tests' && r.view !== 'files') go({ view: 'files' });
      target.focus();
    } else if (event.key === 't') $('theme').click();
  });
}

applyTheme(localStorage.getItem('v8-footprints-theme'));
try {
  await init();
  ws = new Workspace({ Converter, merge });
  wire();
  const params = new URLSearchParams(location.search);
  if (params.has('preload')) {
    setStatus('reading the preloaded inputs…');
    const preload = await fromPreload('./preload/index.json');
    await open(preload.files, preload.name, preload.root, preload.problems);
  } else {
    setStatus('ready: drop files or folders here, or use Open');
    draw();
  }
  document.body.dataset.state = 'ready';
} catch (error) {
  setStatus(`the inspector could not start: ${error.message}`, true);
  document.body.dataset.state = 'failed';
}
