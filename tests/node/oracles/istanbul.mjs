// Oracle for the converter's `compat` line mode: the per-line counts v8-to-istanbul gives for the
// same coverage and source (one statement per line in its statementMap/s).
//
// istanbulLineCounts(coverageScript, sourceText, filePath) -> Promise<number[]>
//   result[i] is the count of line i + 1. The array has one entry per line of v8-to-istanbul's
//   view of the file: the source with trailing whitespace trimmed, split on '\n' only (so a
//   CR-only file is one line), exactly as v8-to-istanbul counts them.
//
// Source maps are out of scope for the line comparison: in a `//# sourceMappingURL=` comment the
// `#` becomes `-` (same length and lines, so no position moves) before v8-to-istanbul sees the source, which then
// counts the generated file itself, as it does for a file without a map. (The uses-dep fixture names
// a map that does not exist, so that Node writes a `data: null` source-map-cache entry.)
import v8ToIstanbul from 'v8-to-istanbul';

export async function istanbulLineCounts(coverageScript, sourceText, filePath) {
  const source = sourceText.replace(/(\/[/*])[#@](?=[ \t]+sourceMappingURL=)/g, '$1-');
  const converter = v8ToIstanbul(filePath, 0, { source });
  await converter.load();
  converter.applyCoverage(coverageScript.functions);
  const files = Object.values(converter.toIstanbul());
  if (files.length !== 1) throw new Error(`v8-to-istanbul returned ${files.length} files for ${filePath}`);
  const { statementMap, s } = files[0];
  const keys = Object.keys(statementMap);
  const counts = new Array(keys.length).fill(undefined);
  for (const key of keys) {
    const line = statementMap[key].start.line;
    if (line < 1 || line > keys.length || counts[line - 1] !== undefined) {
      throw new Error(`${filePath}: unexpected statementMap entry ${key} at line ${line}`);
    }
    counts[line - 1] = s[key];
  }
  return counts;
}
