// The source view: one row per line (number, count, code) at a fixed height, and only the rows in sight
// (plus a margin) exist in the DOM, so a file of any length scrolls as fast as a short one.

const ROW = 20; // px, as .source .ln in inspector.css
const MARGIN = 30; // rows drawn above and below what is in sight

/** Splits text at every line terminator the converter knows (\n, \r\n, \r, U+2028, U+2029). */
export function splitLines(text) {
  return text.split(/\r\n|[\n\r\u2028\u2029]/);
}

/**
 * Builds the view in `host`. `file`: {text, counts (line i+1's count, null when not executable; or null
 * when there are none), methodsAt: Map(line -> [{id, name, count}]), branchesAt: Map(line -> [id]),
 * marked: Set(line) (a test's lines), onMethod(id)}. Returns {scrollTo(line), rows(), destroy()}.
 */
export function sourceView(host, file) {
  const lines = splitLines(file.text ?? '');
  const total = Math.max(lines.length, file.counts ? file.counts.length : 0);
  const scroller = document.createElement('div');
  scroller.className = 'source';
  scroller.tabIndex = 0;
  scroller.setAttribute('aria-label', 'source');
  const spacer = document.createElement('div');
  spacer.className = 'spacer';
  spacer.style.height = `${total * ROW}px`;
  scroller.append(spacer);
  host.append(scroller);
  let current = 0;
  let drawn = [-1, -1];
  const pool = new Map(); // line -> element

  const row = (n) => {
    const el = document.createElement('div');
    const count = file.counts ? file.counts[n - 1] : undefined;
    el.className = 'ln';
    if (count !== undefined && count !== null) el.classList.add(count > 0 ? 'hit' : 'miss');
    if (file.marked && file.marked.has(n)) el.classList.add('test');
    if (n === current) el.classList.add('at');
    el.dataset.line = String(n);
    el.style.top = `${(n - 1) * ROW}px`;
    const number = document.createElement('span');
    number.textContent = String(n);
    const countCell = document.createElement('span');
    countCell.textContent = count === undefined || count === null ? '' : `${count}×`;
    const code = document.createElement('span');
    code.className = 'code';
    for (const method of file.methodsAt.get(n) || []) {
      const tag = document.createElement('a');
      tag.className = 'mtag';
      tag.textContent = `ƒ${method.count === undefined ? '' : method.count}`;
      tag.title = `${method.id}${method.name ? ` (${method.name})` : ''}: ${method.count ?? '?'} call(s); click for its tests`;
      tag.dataset.method = method.id;
      tag.addEventListener('click', () => file.onMethod(method.id));
      code.append(tag);
    }
    code.append(lines[n - 1] ?? '');
    const leaves = file.branchesAt.get(n);
    if (leaves) {
      const tag = document.createElement('span');
      tag.className = 'btag';
      tag.textContent = `leaves ${leaves.map((b) => b.id.split('|').pop() + (b.count === undefined ? '' : `:${b.count}×`)).join(' ')}`;
      tag.title = `branch leaves that ran: ${leaves.map((b) => b.id).join(', ')}`;
      code.append(tag);
    }
    el.append(number, countCell, code);
    return el;
  };

  const draw = () => {
    const first = Math.max(1, Math.floor(scroller.scrollTop / ROW) - MARGIN);
    const last = Math.min(total, Math.ceil((scroller.scrollTop + scroller.clientHeight) / ROW) + MARGIN);
    if (first === drawn[0] && last === drawn[1]) return;
    for (const [n, el] of pool) {
      if (n < first || n > last) {
        el.remove();
        pool.delete(n);
      }
    }
    const fragment = document.createDocumentFragment();
    for (let n = first; n <= last; n++) {
      if (!pool.has(n)) {
        const el = row(n);
        pool.set(n, el);
        fragment.append(el);
      }
    }
    spacer.append(fragment);
    drawn = [first, last];
  };
  let pending = false;
  scroller.addEventListener('scroll', () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      draw();
    });
  });
  scroller.addEventListener('keydown', (event) => {
    const step = { ArrowDown: 1, ArrowUp: -1, PageDown: 30, PageUp: -30 }[event.key];
    if (step === undefined) return;
    event.preventDefault();
    scrollTo(Math.min(total, Math.max(1, (current || 1) + step)), false);
  });

  function scrollTo(line, center = true) {
    pool.get(current)?.classList.remove('at');
    current = line;
    const top = (line - 1) * ROW;
    if (center) scroller.scrollTop = Math.max(0, top - scroller.clientHeight / 3);
    else if (top < scroller.scrollTop) scroller.scrollTop = top;
    else if (top + ROW > scroller.scrollTop + scroller.clientHeight) scroller.scrollTop = top + ROW - scroller.clientHeight;
    draw();
    pool.get(line)?.classList.add('at');
  }

  requestAnimationFrame(draw);
  draw();
  return {
    scroller,
    scrollTo,
    /** How many line rows are in the DOM now. */
    rows: () => pool.size,
    destroy: () => scroller.remove(),
  };
}
