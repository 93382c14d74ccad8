/**
 * Reading the parts of a Markdown file the documentation checks need: its links (outside code), its
 * headings with the anchors GitHub gives them, and its tables. Small on purpose: it reads the project's own
 * Markdown (ATX headings, inline and reference links, pipe tables), not every CommonMark construct.
 */

/** The file's lines with fenced code blocks blanked out (so the numbers of the other lines stay right). */
export function proseLines(text) {
  let fence = null;
  return text.split('\n').map((line) => {
    const open = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (fence === null && open) {
      fence = open[1];
      return '';
    }
    if (fence !== null) {
      if (line.trim().startsWith(fence)) fence = null;
      return '';
    }
    return line;
  });
}

/** A line without its inline code spans (`x`), which hold text, never links. */
function withoutCode(line) {
  return line.replace(/(`+)[^`]*?\1/g, '');
}

/**
 * Every link and image target outside code: `{ target, line }` (line from 1). Absolute URLs are included;
 * the caller tells them apart.
 */
export function links(text) {
  const found = [];
  proseLines(text).forEach((raw, i) => {
    const line = withoutCode(raw);
    for (const m of line.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      found.push({ target: m[1], line: i + 1 });
    }
    const ref = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/.exec(line);
    if (ref) found.push({ target: ref[1], line: i + 1 });
  });
  return found;
}

/** GitHub's anchor of a heading's text: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading) {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // a link keeps its text
    .replace(/[`*]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The headings outside code: `{ level, text, line, anchor }`, anchors made unique as GitHub does (-1, -2). */
export function headings(text) {
  const seen = new Map();
  const found = [];
  proseLines(text).forEach((line, i) => {
    const m = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) return;
    const base = slug(m[2]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    found.push({ level: m[1].length, text: m[2], line: i + 1, anchor: n === 0 ? base : `${base}-${n}` });
  });
  return found;
}

/** A table row's cells, trimmed (`\|` inside a cell is a literal bar). */
function cells(line) {
  return line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

/** Every pipe table outside code: `{ header: [...], rows: [[...]], line }` (the header's line, from 1). */
export function tables(text) {
  const lines = proseLines(text);
  const found = [];
  for (let i = 0; i + 1 < lines.length; i++) {
    if (!/^\s*\|/.test(lines[i]) || !/^\s*\|(\s*:?-{3,}:?\s*\|)+\s*$/.test(lines[i + 1])) continue;
    const table = { header: cells(lines[i]), rows: [], line: i + 1 };
    let j = i + 2;
    for (; j < lines.length && /^\s*\|/.test(lines[j]); j++) table.rows.push(cells(lines[j]));
    found.push(table);
    i = j - 1;
  }
  return found;
}
