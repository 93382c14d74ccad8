/**
 * A readable summary of a format 6.0 footprints body: per execution, per hit, the test name, the init flag, the
 * time span, and the methods (with their covered lines) and branches it names. Never throws: a malformed body is
 * described as far as it goes.
 */

const plural = (n, word) => `${n} ${word}${n === 1 ? '' : word.endsWith('h') ? 'es' : 's'}`;
const list = (v) => (Array.isArray(v) ? v : []);
const isoSeconds = (s) => (Number.isFinite(s) ? new Date(s * 1000).toISOString().replace('.000Z', 'Z') : String(s));

/**
 * @param {any} body a parsed footprints body
 * @param {{maxIds?: number, indent?: string}} [opts] `maxIds`: ids listed per hit before "... and N more"
 * @returns {string} several lines, no trailing newline
 */
export function describeBody(body, { maxIds = Infinity, indent = '' } = {}) {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return `${indent}(not a footprints body: ${JSON.stringify(body)})`;
  const methods = list(body.methods);
  const branches = list(body.branches);
  const meta = body.meta && typeof body.meta === 'object' ? body.meta : {};
  const out = [];
  out.push(
    `${indent}format ${body.formatVersion}, lab ${meta.labId ?? '?'}, agent ${meta.agentId ?? '?'}: ` +
      `${plural(methods.length, 'method')}, ${plural(branches.length, 'branch')} in the tables`,
  );
  for (const ex of list(body.executions)) {
    const hits = list(ex?.hits);
    out.push(`${indent}  execution ${ex?.executionId ?? '?'}: ${plural(hits.length, 'hit')}`);
    hits.forEach((hit, h) => {
      const hm = list(hit?.methods);
      const hb = list(hit?.branches);
      const flags = [hit?.isInitFootprints && 'init', hit?.isFinalFootprints && 'final'].filter(Boolean).join(', ');
      const seconds = Number.isFinite(hit?.end - hit?.start) ? ` (${hit.end - hit.start} s)` : '';
      out.push(
        `${indent}    hit ${h + 1}${flags ? ` [${flags}]` : ''}  test: ${hit?.testName ?? '(none)'}  ` +
          `${isoSeconds(hit?.start)} .. ${isoSeconds(hit?.end)}${seconds}  ` +
          `${plural(hm.length, 'method')}, ${plural(hb.length, 'branch')}`,
      );
      const lines = hit?.methodLines && typeof hit.methodLines === 'object' ? hit.methodLines : {};
      hm.slice(0, maxIds).forEach((ix) => {
        const covered = list(lines[ix]);
        out.push(`${indent}      ${methods[ix] ?? `#${ix} (not in the table)`}${covered.length ? `  lines ${covered.join(',')}` : ''}`);
      });
      if (hm.length > maxIds) out.push(`${indent}      ... and ${hm.length - maxIds} more methods`);
      hb.slice(0, maxIds).forEach((ix) => out.push(`${indent}      branch ${branches[ix] ?? `#${ix} (not in the table)`}`));
      if (hb.length > maxIds) out.push(`${indent}      ... and ${hb.length - maxIds} more branches`);
    });
  }
  return out.join('\n');
}
