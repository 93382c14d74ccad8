// Independent oracle for branch ids and counts: parses the source with acorn and applies the build
// scanner's numbering (footprints-protocol.md, "Unique ids"; the conventions in docs/formats.md's
// Branches section), then counts each leaf from V8's ranges, without any code from the converter.
//
// expectedBranches(coverageScript, sourceText, relativePath) -> [{id, count}] of the leaves that
// ran, sorted by id, one entry per id (constructs that share a position add their counts).
//
// Numbering, on the ESTree AST (a node starts where acorn says, so a parenthesised operand's
// construct starts at its `(`):
//   IfStatement        at the `if`; leaf 0 consequent, leaf 1 alternate (or the implicit else)
//   ConditionalExpression  at its start (the test's); leaf 0 consequent, leaf 1 alternate
//   SwitchStatement    at the `switch`; one leaf per SwitchCase, in order
//   LogicalExpression  (not the child of another one) at its start; one leaf per operand of the
//                      nested LogicalExpressions flattened, in source order
//   AssignmentPattern  that is a function's parameter: at the default value; one leaf
// Counts: the innermost V8 range at the leaf (at its operator - `?`, `:`, `&&`/`||`/`??`, the
// default's `=` - when it follows one, else at its own start); an implicit else ran as often as
// the `if` (the range at the `if` keyword) minus its consequent, never below 0.
import * as acorn from 'acorn';
import { offsetShifts, parseModule } from './ids.mjs';

/** Skips white space, comments and closing parentheses from `pos`: the operator's offset. */
function operatorAfter(text, pos) {
  for (;;) {
    if (pos < text.length && (/\s/.test(text[pos]) || text[pos] === ')')) pos++;
    else if (text.startsWith('//', pos)) pos = text.slice(pos).search(/[\n\r\u2028\u2029]/) + pos;
    else if (text.startsWith('/*', pos)) pos = text.indexOf('*/', pos + 2) + 2;
    else return pos;
  }
}

function walk(node, parent, fn) {
  fn(node, parent);
  for (const key of Object.keys(node)) {
    const value = node[key];
    if (Array.isArray(value)) {
      for (const child of value) if (child && typeof child.type === 'string') walk(child, node, fn);
    } else if (value && typeof value.type === 'string' && key !== 'loc') {
      walk(value, node, fn);
    }
  }
}

/** Leaves of a logical chain, flattened: [{start, operator}] in source order. */
function chainLeaves(text, node, operator, out) {
  if (node.type !== 'LogicalExpression') {
    out.push({ start: node.start, operator });
    return out;
  }
  chainLeaves(text, node.left, operator, out);
  chainLeaves(text, node.right, operatorAfter(text, node.left.end), out);
  return out;
}

/**
 * Every branch of the source: [{at, leaves: [{start, operator}], implicitElseOf}] where
 * `operator` is null for a leaf that follows none, and `implicitElseOf` is the `if`'s start.
 */
export function branchPoints(sourceText) {
  const points = [];
  walk(parseModule(sourceText), null, (node, parent) => {
    switch (node.type) {
      case 'IfStatement':
        points.push({
          at: node.start,
          leaves: [node.consequent, node.alternate].filter(Boolean).map((n) => ({ start: n.start, operator: null })),
          implicitElseOf: node.alternate ? null : node.start,
        });
        break;
      case 'ConditionalExpression':
        points.push({
          at: node.start,
          leaves: [
            { start: node.consequent.start, operator: operatorAfter(sourceText, node.test.end) },
            { start: node.alternate.start, operator: operatorAfter(sourceText, node.consequent.end) },
          ],
        });
        break;
      case 'SwitchStatement':
        if (node.cases.length) points.push({ at: node.start, leaves: node.cases.map((c) => ({ start: c.start, operator: null })) });
        break;
      case 'LogicalExpression':
        if (parent?.type !== 'LogicalExpression') points.push({ at: node.start, leaves: chainLeaves(sourceText, node, null, []) });
        break;
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
        for (const param of node.params) {
          if (param.type === 'AssignmentPattern') {
            points.push({ at: param.right.start, leaves: [{ start: param.right.start, operator: operatorAfter(sourceText, param.left.end) }] });
          }
        }
        break;
      default:
    }
  });
  return points;
}

/** The count of the innermost V8 range holding `offset` (V8's offsets), 0 when none does. */
function innermostCount(coverageScript, offset) {
  let best = null;
  for (const fn of coverageScript.functions) {
    for (const r of fn.ranges) {
      if (r.startOffset <= offset && offset < r.endOffset && (!best || r.endOffset - r.startOffset <= best.endOffset - best.startOffset)) {
        best = r;
      }
    }
  }
  return best ? best.count : 0;
}

/** The leaves that ran, as the converter should report them: [{id, count}] sorted by id. */
export function expectedBranches(coverageScript, sourceText, relativePath) {
  // .cjs files are not scanned by the build scanner.
  if (relativePath.endsWith('.cjs')) return [];
  const shift = offsetShifts(coverageScript, sourceText)[0];
  const count = (offset) => innermostCount(coverageScript, offset - shift);
  const byId = new Map();
  for (const point of branchPoints(sourceText)) {
    const { line, column } = acorn.getLineInfo(sourceText, point.at);
    const counts = point.leaves.map((leaf) => count(leaf.operator ?? leaf.start));
    if (point.implicitElseOf !== null && point.implicitElseOf !== undefined) {
      counts.push(Math.max(0, count(point.implicitElseOf) - counts[0]));
    }
    counts.forEach((n, leaf) => {
      if (n === 0) return;
      const id = `${relativePath}|${line},${column}|${leaf}`;
      byId.set(id, (byId.get(id) ?? 0) + n);
    });
  }
  return [...byId].map(([id, count]) => ({ id, count })).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
