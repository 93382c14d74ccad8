// Independent oracles for the source-map tests (no code from the converter):
//
// - tsFunctions(text, file): every function of a TypeScript source, parsed by TypeScript's own
//   parser, with the id the build scanner records for it (footprints-protocol.md, "Unique ids",
//   applied to the TypeScript AST) and the original positions a map can send V8's start to.
// - mappedExpectations(script, generated, map, ...): each V8 function of a generated script mapped
//   through the map by @jridgewell/trace-mapping (greatest lower bound, as v8-to-istanbul does) to
//   the TypeScript function there: the expected method ids of the whole build and of the hit ones.
// - istanbulLines(...): v8-to-istanbul's source-mapped per-line counts of every original file.
//
// Scanner rules on the TypeScript AST (an ESTree-style node start, as typescript-estree or Babel's
// TypeScript plugin give it):
//   named function declarations/expressions -> the name; anonymous `export default function` ->
//   `export`; other function expressions and arrows -> the node start (`async` included); class
//   and object members (methods, accessors, explicit constructors) -> the member start, which
//   includes every modifier (`static`, and TypeScript's `public`/`private`/`protected`/`override`/
//   `readonly`/`abstract`), decorators excluded; `#private` members -> no id. Overloads and
//   abstract members have no body and are no functions.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const require = createRequire(import.meta.url);
const ts = require('typescript');
const { TraceMap, originalPositionFor, decodedMappings, GREATEST_LOWER_BOUND } = require('@jridgewell/trace-mapping');
const v8ToIstanbul = require('v8-to-istanbul');

/** {line (from 1), column (from 0)} of a character offset. */
function position(sf, offset) {
  const { line, character } = sf.getLineAndCharacterOfPosition(offset);
  return { line: line + 1, column: character };
}

/**
 * Every function-like node with a body: [{label, id (null: no id), starts: Set of "line:col"
 * where V8's start may be mapped to, depth}].
 */
export function tsFunctions(text, relPath) {
  const sf = ts.createSourceFile(relPath, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const out = [];
  const key = (offset) => {
    const p = position(sf, offset);
    return `${p.line}:${p.column}`;
  };
  const idAt = (offset) => {
    const p = position(sf, offset);
    return `${relPath}@${p.line},${p.column}`;
  };
  const labelOf = (node, parentLabel) => {
    const name = node.name && ts.isIdentifier(node.name) ? node.name.text : node.name?.getText(sf);
    if (ts.isConstructorDeclaration(node)) return `${parentLabel}.constructor`;
    if (ts.isMethodDeclaration(node) || ts.isGetAccessor(node) || ts.isSetAccessor(node)) {
      const kind = ts.isGetAccessor(node) ? 'get ' : ts.isSetAccessor(node) ? 'set ' : '';
      return `${parentLabel}.${kind}${name}`;
    }
    if (name) return parentLabel ? `${parentLabel}>${name}` : name;
    const p = node.parent;
    if (ts.isVariableDeclaration(p) || ts.isPropertyDeclaration(p) || ts.isPropertyAssignment(p)) {
      const owner = ts.isPropertyDeclaration(p) ? `${parentLabel}.` : parentLabel ? `${parentLabel}>` : '';
      return `${owner}${p.name.getText(sf)}`;
    }
    if (ts.isCallExpression(p) && ts.isPropertyAccessExpression(p.expression)) {
      return `${parentLabel}>${p.expression.name.text}(=>)`;
    }
    return `${parentLabel}>(anonymous@${position(sf, node.getStart(sf)).line})`;
  };
  const visit = (node, parentLabel, depth) => {
    let label = parentLabel;
    let childDepth = depth;
    if (ts.isClassDeclaration(node) || ts.isClassExpression(node)) {
      label = node.name ? node.name.text : parentLabel;
    } else if (
      (ts.isFunctionDeclaration(node) ||
        ts.isFunctionExpression(node) ||
        ts.isArrowFunction(node) ||
        ts.isMethodDeclaration(node) ||
        ts.isGetAccessor(node) ||
        ts.isSetAccessor(node) ||
        ts.isConstructorDeclaration(node)) &&
      node.body
    ) {
      label = labelOf(node, parentLabel);
      const modifiers = (ts.canHaveModifiers(node) && ts.getModifiers(node)) || [];
      const decorators = (ts.canHaveDecorators(node) && ts.getDecorators(node)) || [];
      const start = decorators.length
        ? ts.skipTrivia(text, decorators[decorators.length - 1].end)
        : node.getStart(sf);
      const afterModifiers = modifiers.length ? ts.skipTrivia(text, modifiers[modifiers.length - 1].end) : start;
      const starts = new Set([key(start), key(afterModifiers), ...modifiers.map((m) => key(m.getStart(sf)))]);
      if (node.name) starts.add(key(node.name.getStart(sf)));
      // A minifier writes `(a) => ...` as `a=>...` and maps V8's start (the parameter) there.
      if (ts.isArrowFunction(node) && node.parameters.length === 1) starts.add(key(node.parameters[0].getStart(sf)));
      let id;
      const member = ts.isClassLike(node.parent) || ts.isObjectLiteralExpression(node.parent);
      if (member && !ts.isFunctionExpression(node) && !ts.isArrowFunction(node)) {
        id = node.name && ts.isPrivateIdentifier(node.name) ? null : idAt(start);
      } else if (node.name) {
        id = idAt(node.name.getStart(sf));
      } else if (modifiers.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword)) {
        id = idAt(start); // `export default function () {}`: the `export` keyword
      } else {
        id = idAt(start);
      }
      out.push({ label, id, starts, depth });
      childDepth = depth + 1;
    }
    ts.forEachChild(node, (child) => visit(child, label, childDepth));
  };
  visit(sf, '', 0);
  return out;
}

/** The decoded segment at or before a generated position (greatest lower bound). */
function segmentAt(trace, { line, column }) {
  const segments = decodedMappings(trace)[line - 1] ?? [];
  let found = null;
  for (const seg of segments) {
    if (seg[0] <= column) found = seg;
    else break;
  }
  return found ?? [column];
}

/**
 * The documented line rule, implemented independently: each original line that a mapping at
 * generated code reaches (not white space, a line end or a comment: where tools close a
 * statement) takes its count at one point, the generated position of the mapping with the
 * smallest original column on the line (the last in the generated code on a tie): the count of
 * the innermost V8 range there, 0 when no range reaches it. Lines no mapping reaches are null.
 * Returns {rel: {lines: (number|null)[], owners: (function index|null)[]}} for the originals
 * `originals` accepts (`lineCount(rel)` lines each); `owners[i]` is the V8 function of the
 * innermost range at line i + 1's point.
 */
export function ruleLines(script, generated, map, originals, lineCount) {
  const trace = new TraceMap(map);
  const starts = lineStartsOf(generated);
  const ranges = script.functions.flatMap((f, fn) => f.ranges.map((r) => ({ ...r, fn })));
  const innermost = (p) => {
    let best = null;
    for (const r of ranges) {
      if (r.startOffset <= p && p < r.endOffset && (!best || r.endOffset - r.startOffset <= best.endOffset - best.startOffset)) best = r;
    }
    return best;
  };
  const points = new Map(); // "rel\0line" -> {rel, line, column, at}
  decodedMappings(trace).forEach((segs, i) => {
    for (const seg of segs) {
      if (seg.length < 4) continue;
      const original = originals(trace.resolvedSources[seg[1]]);
      if (!original) continue;
      const at = starts[i] + seg[0];
      const rest = generated.slice(at, at + 2);
      if (rest === '' || /^\s/.test(rest) || rest === '//' || rest === '/*') continue;
      const key = `${original.rel}\0${seg[2]}`;
      const old = points.get(key);
      if (!old || seg[3] < old.column || (seg[3] === old.column && at > old.at)) {
        points.set(key, { rel: original.rel, line: seg[2], column: seg[3], at });
      }
    }
  });
  const out = {};
  for (const { rel, line, at } of points.values()) {
    const entry = (out[rel] ??= { lines: new Array(lineCount(rel)).fill(null), owners: new Array(lineCount(rel)).fill(null) });
    const range = innermost(at);
    entry.lines[line] = range ? range.count : 0;
    entry.owners[line] = range ? range.fn : null;
  }
  return out;
}

/** A generated offset as {line (from 1), column (from 0)} of `text`. */
function generatedPosition(lineStarts, offset) {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - lineStarts[lo] };
}

function lineStartsOf(text) {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return starts;
}

/**
 * What the converter should report for one generated script: maps each V8 function's start
 * (top level excluded) with trace-mapping and looks it up among the original's functions.
 *
 * `originals(source)` gives {rel, text} for a map source (as trace-mapping resolved it) that is
 * a project original, or null for a source to leave out (node_modules, bundler runtime).
 * Returns {all: Map id -> label, hit: Set of ids, unmatched: [description], byFunction: Map V8
 * function index -> {id, rel}} where unmatched lists V8 functions that land in a project original
 * but on no function start.
 */
export function mappedExpectations(script, generated, map, originals) {
  const trace = new TraceMap(map);
  const starts = lineStartsOf(generated);
  const parsed = new Map();
  const all = new Map();
  const hit = new Set();
  const unmatched = [];
  const byFunction = new Map();
  const first = script.functions[0];
  const hasTop = first && first.functionName === '' && first.ranges[0].startOffset === 0;
  for (const [index, fn] of script.functions.entries()) {
    if (hasTop && index === 0) continue;
    const g = generatedPosition(starts, fn.ranges[0].startOffset);
    const o = originalPositionFor(trace, { ...g, bias: GREATEST_LOWER_BOUND });
    if (o.source == null) continue;
    const original = originals(o.source);
    if (!original) continue;
    if (!parsed.has(original.rel)) parsed.set(original.rel, tsFunctions(original.text, original.rel));
    // The segment's own position, and moved by the distance from it (V8 starts a static member
    // after `static`, where a tool may have no segment).
    const segment = segmentAt(trace, g);
    const at = `${o.line}:${o.column}`;
    const moved = `${o.line}:${o.column + (g.column - segment[0])}`;
    let found = parsed.get(original.rel).filter((f) => f.starts.has(at));
    if (!found.length) found = parsed.get(original.rel).filter((f) => f.starts.has(moved));
    // Several nodes can share a start (`a => b => c`): the outermost is the one V8 starts there
    // only if the generated code keeps the nesting; take the deepest node V8 could start at.
    const node = found.sort((a, b) => a.depth - b.depth)[0];
    if (!node) {
      unmatched.push(`${fn.functionName || '(anonymous)'} at generated ${g.line}:${g.column} -> ${original.rel}:${at} (count ${fn.ranges[0].count})`);
      continue;
    }
    if (node.id === null) continue;
    all.set(node.id, node.label);
    byFunction.set(index, { id: node.id, rel: original.rel });
    if (fn.ranges[0].count > 0) hit.add(node.id);
  }
  return { all, hit, unmatched, byFunction };
}

/**
 * v8-to-istanbul's per-line counts, through the map: [{source, counts, partial}] for each
 * original it reports, where `source` is the map's own `sources` entry, counts[i] is line i + 1's
 * count (one statement per line, as it reports them) and `partial` holds the lines (from 1) that a
 * range, as v8-to-istanbul maps it, overlaps without covering the whole line (it gives a line a
 * range's count only when the range covers all of it).
 */
export async function istanbulLines(scriptPath, generated, map, functions) {
  const converter = v8ToIstanbul(scriptPath, 0, { source: generated, sourceMap: { sourcemap: map } });
  await converter.load();
  const remapped = [];
  const remap = converter._maybeRemapStartColEndCol;
  converter._maybeRemapStartColEndCol = function (range, empty) {
    const r = remap.call(this, range, empty);
    remapped.push(r);
    return r;
  };
  converter.applyCoverage(functions);
  return converter.covSources.map(({ source }, i) => {
    const partial = new Set();
    for (const r of remapped) {
      if (r.covSource !== source || !Number.isFinite(r.startCol) || !Number.isFinite(r.endCol)) continue;
      for (const line of source.lines) {
        const overlaps = r.startCol < line.endCol && r.endCol > line.startCol;
        const covers = r.startCol <= line.startCol && r.endCol >= line.endCol;
        if (overlaps && !covers) partial.add(line.line);
      }
    }
    const counts = source.lines.map((line) => (line.ignore ? 1 : line.count));
    return { source: map.sources.length > 1 ? map.sources[i] : map.sources[0], counts, partial };
  });
}

/** The map of a generated script, as a plain object: its inline data: URL or its .map file. */
export function readMap(scriptPath, text) {
  const m = /\/\/[#@] sourceMappingURL=(\S+)\s*$/.exec(text);
  if (!m) return null;
  if (m[1].startsWith('data:')) {
    const payload = m[1].slice(m[1].indexOf(',') + 1);
    return JSON.parse(Buffer.from(payload, 'base64').toString('utf8'));
  }
  return JSON.parse(fs.readFileSync(path.resolve(path.dirname(scriptPath), m[1]), 'utf8'));
}

/** An index map flattened to a plain map (trace-mapping's AnyMap), for v8-to-istanbul. */
export function flatten(map) {
  if (!map.sections) return map;
  const { AnyMap, encodedMappings } = require('@jridgewell/trace-mapping');
  const flat = new AnyMap(map);
  return {
    version: 3,
    file: map.file,
    sources: flat.sources,
    sourcesContent: flat.sourcesContent,
    names: flat.names,
    mappings: encodedMappings(flat),
  };
}

/**
 * Every branch the build scanner numbers in a TypeScript source, from TypeScript's own parser,
 * with the ESTree node starts a scanner sees (parentheses belong to no node of their own):
 * [{at, leaves: [{start, end, operator}], implicitElse: {start, end} | null}] (offsets in
 * UTF-16 code units; `operator` is the offset of the `?`, `:`, `&&`/`||`/`??` or `=` a leaf
 * follows, else null). The numbering is docs/formats.md's (Branches): `if` at the keyword, leaf 0 the
 * then statement, leaf 1 the else statement or the implicit else; `?:` at the test's start (the
 * conditional's), leaves consequent and alternate; `switch` at the keyword, a leaf per clause;
 * a `&&`/`||`/`??` chain flattened through parentheses at its start, a leaf per operand; a
 * default parameter at its value (inside any parentheses), one leaf.
 */
export function tsBranchPoints(text, file) {
  const kind = /\.[cm]?tsx?$/.test(file) ? ts.ScriptKind.TS : ts.ScriptKind.JS;
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ESNext, true, kind);
  const points = [];
  const unparen = (n) => (ts.isParenthesizedExpression(n) ? unparen(n.expression) : n);
  const isLogical = (n) =>
    ts.isBinaryExpression(n) &&
    [ts.SyntaxKind.AmpersandAmpersandToken, ts.SyntaxKind.BarBarToken, ts.SyntaxKind.QuestionQuestionToken].includes(n.operatorToken.kind);
  const span = (n) => ({ start: n.getStart(sf), end: n.getEnd() });
  const leaves = (n, operator, out) => {
    const inner = unparen(n);
    if (!isLogical(inner)) {
      out.push({ ...span(n), operator });
      return out;
    }
    leaves(inner.left, operator, out);
    leaves(inner.right, inner.operatorToken.getStart(sf), out);
    return out;
  };
  const visit = (node) => {
    if (ts.isIfStatement(node)) {
      const arms = [node.thenStatement, node.elseStatement].filter(Boolean).map((n) => ({ ...span(n), operator: null }));
      points.push({ at: node.getStart(sf), leaves: arms, implicitElse: node.elseStatement ? null : { start: node.getStart(sf), end: node.thenStatement.getEnd() } });
    } else if (ts.isConditionalExpression(node)) {
      points.push({
        at: node.getStart(sf),
        leaves: [
          { ...span(node.whenTrue), operator: node.questionToken.getStart(sf) },
          { ...span(node.whenFalse), operator: node.colonToken.getStart(sf) },
        ],
        implicitElse: null,
      });
    } else if (ts.isSwitchStatement(node) && node.caseBlock.clauses.length) {
      points.push({ at: node.getStart(sf), leaves: node.caseBlock.clauses.map((c) => ({ ...span(c), operator: null })), implicitElse: null });
    } else if (isLogical(node)) {
      let parent = node.parent;
      while (parent && ts.isParenthesizedExpression(parent)) parent = parent.parent;
      if (!(parent && isLogical(parent))) points.push({ at: node.getStart(sf), leaves: leaves(node, null, []), implicitElse: null });
    } else if (ts.isParameter(node) && node.initializer && ts.isFunctionLike(node.parent)) {
      const value = unparen(node.initializer);
      const equals = node.initializer.getFullStart(); // the `=` ends right before the initializer's trivia
      const eq = text.lastIndexOf('=', equals);
      points.push({ at: value.getStart(sf), leaves: [{ ...span(node.initializer), operator: eq }], implicitElse: null });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return points;
}
