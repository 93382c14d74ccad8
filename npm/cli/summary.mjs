// The summary table `convert` prints, like c8's text report: per file and for all files, the
// share of lines, methods and branch leaves that ran, with the counts, and the lines that did not
// run as ranges. The figures are the converter's own (`report('summary')`, counted in Rust from the
// total the formats are written from); this module only lays them out.

/**
 * The all-files row and the file rows (sorted by path) of per-file figures as the converter's
 * `report('summary')` gives them: [{path, lines: [hit, found], methods, branches, uncovered}].
 */
export function totals(files) {
  const all = { path: 'All files', lines: [0, 0], methods: [0, 0], branches: [0, 0], uncovered: [] };
  for (const row of files) {
    for (const key of ['lines', 'methods', 'branches']) {
      all[key][0] += row[key][0];
      all[key][1] += row[key][1];
    }
  }
  const rows = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { all, files: rows };
}

/** `[3, 4, 5, 9]` as `3-5,9`. */
export function ranges(lines) {
  const parts = [];
  for (let i = 0; i < lines.length; i++) {
    let j = i;
    while (j + 1 < lines.length && lines[j + 1] === lines[j] + 1) j++;
    parts.push(j > i ? `${lines[i]}-${lines[j]}` : String(lines[i]));
    i = j;
  }
  return parts.join(',');
}

const percent = ([hit, found]) => (found === 0 ? 100 : (100 * hit) / found).toFixed(2);

/** The table as text (one line per file, the all-files line first). */
export function table(summary) {
  const { all, files } = totals(summary);
  const header = ['File', '% Lines', '% Methods', '% Branches', 'Lines', 'Methods', 'Branches', 'Uncovered lines'];
  const row = (r, indent) => [
    indent + r.path,
    percent(r.lines),
    percent(r.methods),
    percent(r.branches),
    `${r.lines[0]}/${r.lines[1]}`,
    `${r.methods[0]}/${r.methods[1]}`,
    `${r.branches[0]}/${r.branches[1]}`,
    ranges(r.uncovered),
  ];
  const body = [row(all, ''), ...files.map((r) => row(r, ' '))];
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((cells) => cells[c].length)));
  const line = (cells) => cells.map((cell, c) => (c === 0 || c === cells.length - 1 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join(' | ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('-|-');
  return [rule, line(header), rule, ...body.map(line), rule].join('\n') + '\n';
}
