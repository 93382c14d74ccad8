// The summary table `convert` prints, like c8's text report: per file and for all files, the
// share of lines, methods and branch leaves that ran, with the counts, and the lines that did not
// run as ranges. Read from the converter's total (its footprint data), so it states exactly what
// the written formats hold.

/** Per file and overall: {path, lines: [hit, found], methods: [...], branches: [...], uncovered}. */
export function totals(data) {
  const rows = data.files.map((file) => {
    const executable = [];
    const uncovered = [];
    file.lines.forEach((count, i) => {
      if (count === null) return;
      executable.push(i + 1);
      if (count === 0) uncovered.push(i + 1);
    });
    return {
      path: file.path,
      lines: [executable.length - uncovered.length, executable.length],
      methods: [0, 0],
      branches: [0, 0],
      uncovered,
    };
  });
  for (const method of data.methods) {
    const row = rows[method.file];
    row.methods[1]++;
    if (method.count > 0) row.methods[0]++;
  }
  for (const branch of data.branches) {
    const row = rows[branch.file];
    row.branches[1]++;
    if (branch.count > 0) row.branches[0]++;
  }
  const all = { path: 'All files', lines: [0, 0], methods: [0, 0], branches: [0, 0], uncovered: [] };
  for (const row of rows) {
    for (const key of ['lines', 'methods', 'branches']) {
      all[key][0] += row[key][0];
      all[key][1] += row[key][1];
    }
  }
  rows.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
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
export function table(data) {
  const { all, files } = totals(data);
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
