// Independent oracle for method ids: parses the source with acorn and applies the build scanner's
// per-form rules (footprints-protocol.md, "Unique ids"), without any code from the converter.
//
// expectedMethodIds(coverageScript, sourceText, relativePath) -> ['src/a.js@2,9', ...]
//
// Each V8 function except the top level (functions[0] when present) is mapped to an AST node by its start
// offset, then to the position the scanner records for that node. What V8 reports, learned from
// real output (Node 20.20.2 / V8 11.3) and encoded below:
//   - named and anonymous functions, arrows, object members, non-static class members: startOffset
//     is acorn's node start (`function`/`async` keyword, arrow start, member start).
//   - static class members: startOffset is after `static` and any whitespace/comments.
//   - class fields: V8 reports `<instance_members_initializer>` starting at the `class` keyword
//     (ending at the class's closing brace) when the class has instance fields; and
//     `<static_initializer>` for static fields and `static {}` blocks, starting at a static element
//     *including* the `static` keyword (the last static field, or the first static block when there
//     is no static field) and ending at the end of the last static element. Neither gets an id.
//     Arrow/function values of fields are reported as functions of their own, at their node start.
//   - implicit constructors are not reported at all.
//   - `#private` methods are reported like other members but get no id.
//   - a BOM stripped by the loader (ESM) makes every offset one smaller: shift = source length -
//     top level endOffset.
//   - a later take (callCount: true resets counters) omits every function whose count is 0 since
//     the previous take, the top level included: functions[0] is then an ordinary function.
import * as acorn from 'acorn';

const PARSE_OPTIONS = {
  sourceType: 'module',
  ecmaVersion: 'latest',
  allowHashBang: true,
  locations: true,
};

const parseCache = new Map();

/** Parses `sourceText` as an ES module (cached by text). */
export function parseModule(sourceText) {
  let ast = parseCache.get(sourceText);
  if (!ast) {
    ast = acorn.parse(sourceText, PARSE_OPTIONS);
    if (parseCache.size > 64) parseCache.clear();
    parseCache.set(sourceText, ast);
  }
  return ast;
}

/** Skips whitespace, line terminators and comments from `pos`; returns the next token's offset. */
function skipTrivia(text, pos) {
  for (;;) {
    if (pos < text.length && /\s/.test(text[pos])) {
      pos++;
    } else if (text.startsWith('//', pos)) {
      pos += 2;
      while (pos < text.length && !/[\n\r\u2028\u2029]/.test(text[pos])) pos++;
    } else if (text.startsWith('/*', pos)) {
      const end = text.indexOf('*/', pos + 2);
      if (end < 0) throw new Error(`unterminated comment at ${pos}`);
      pos = end + 2;
    } else {
      return pos;
    }
  }
}

/** Visits every node of an ESTree AST, calling fn(node, parent). */
function walk(node, parent, fn) {
  fn(node, parent);
  for (const key of Object.keys(node)) {
    if (key === 'loc') continue;
    const value = node[key];
    if (Array.isArray(value)) {
      for (const child of value) if (child && typeof child.type === 'string') walk(child, node, fn);
    } else if (value && typeof value.type === 'string') {
      walk(value, node, fn);
    }
  }
}

/**
 * Candidates for V8 functions, keyed by the offset V8 reports for them (in the text as given).
 * Each candidate: {form, idPos} where idPos is the offset of the recorded position, or null for
 * "no id".
 */
export function functionCandidates(sourceText) {
  const ast = parseModule(sourceText);
  const byOffset = new Map();
  const add = (offset, form, idPos) => {
    const list = byOffset.get(offset) ?? [];
    list.push({ form, idPos });
    byOffset.set(offset, list);
  };
  walk(ast, null, (node, parent) => {
    switch (node.type) {
      case 'FunctionDeclaration':
      case 'FunctionExpression': {
        // A method's value function is represented by its MethodDefinition / Property.
        if (parent && parent.type === 'MethodDefinition' && parent.value === node) return;
        if (parent && parent.type === 'Property' && parent.value === node && (parent.method || parent.kind !== 'init')) return;
        if (node.id) add(node.start, 'named function', node.id.start);
        else if (parent && parent.type === 'ExportDefaultDeclaration') add(node.start, 'anonymous default export', parent.start);
        else add(node.start, 'anonymous function', node.start);
        return;
      }
      case 'ArrowFunctionExpression':
        add(node.start, 'arrow', node.start);
        return;
      case 'MethodDefinition': {
        const v8Start = node.static ? skipTrivia(sourceText, node.start + 'static'.length) : node.start;
        if (node.key.type === 'PrivateIdentifier') add(v8Start, 'private method', null);
        else add(v8Start, node.kind === 'constructor' ? 'constructor' : 'class member', node.start);
        return;
      }
      case 'Property':
        if (node.method || node.kind === 'get' || node.kind === 'set') add(node.start, 'object member', node.start);
        return;
      case 'ClassDeclaration':
      case 'ClassExpression':
        add(node.start, '<instance_members_initializer>', null);
        return;
      case 'PropertyDefinition':
        if (node.static) add(node.start, '<static_initializer>', null);
        return;
      case 'StaticBlock':
        add(node.start, '<static_initializer>', null);
        return;
      default:
    }
  });
  return byOffset;
}

/**
 * The script's top level, or null. V8 lists the top level first, at offset 0 with an empty name,
 * spanning the whole (possibly BOM-stripped) source; but a later take of the same isolate omits
 * every function whose count is 0 since the previous take, the top level included.
 */
export function topLevel(coverageScript, sourceText) {
  const first = coverageScript.functions[0];
  if (!first || first.ranges[0].startOffset !== 0 || first.functionName !== '') return null;
  const end = first.ranges[0].endOffset;
  if (end === sourceText.length || (end === sourceText.length - 1 && sourceText.charCodeAt(0) === 0xfeff)) {
    return first;
  }
  throw new Error(
    `${coverageScript.url}: source length ${sourceText.length} does not match the top level's endOffset ${end}`,
  );
}

/**
 * Possible offset shifts of a script: [1] when the loader stripped a BOM, [0] when it did not,
 * judged from the top level (source length - its endOffset). Without a top level (a later take)
 * a BOM file could be either, so both are returned, most likely first.
 */
export function offsetShifts(coverageScript, sourceText) {
  const top = topLevel(coverageScript, sourceText);
  if (top) return [sourceText.length - top.ranges[0].endOffset];
  return sourceText.charCodeAt(0) === 0xfeff ? [1, 0] : [0];
}

function mapFunctions(coverageScript, sourceText, relativePath, shift) {
  const candidates = functionCandidates(sourceText);
  const top = topLevel(coverageScript, sourceText);
  const mapped = [];
  for (const fn of coverageScript.functions) {
    if (fn === top) continue;
    const offset = fn.ranges[0].startOffset + shift;
    const found = candidates.get(offset);
    if (!found) {
      const { line, column } = acorn.getLineInfo(sourceText, Math.min(offset, sourceText.length));
      throw new Error(
        `${relativePath}: V8 function ${JSON.stringify(fn.functionName)} at offset ${offset} ` +
          `(line ${line}:${column}, text ${JSON.stringify(sourceText.slice(offset, offset + 30))}) ` +
          'matches no function-like AST node',
      );
    }
    const idPositions = new Set(found.map((c) => c.idPos));
    if (idPositions.size > 1) {
      throw new Error(`${relativePath}: ambiguous AST nodes at offset ${offset}: ${found.map((c) => c.form).join(', ')}`);
    }
    mapped.push({ fn, offset, form: found[0].form, idPos: found[0].idPos });
  }
  return mapped;
}

/**
 * Every V8 function of the script (top level excluded) with its AST form and recorded position:
 * [{fn, offset, form, idPos}] where idPos is null for "no id". Throws on an unmatched function.
 */
export function mapV8Functions(coverageScript, sourceText, relativePath) {
  let firstError;
  for (const shift of offsetShifts(coverageScript, sourceText)) {
    try {
      return mapFunctions(coverageScript, sourceText, relativePath, shift);
    } catch (err) {
      firstError ??= err;
    }
  }
  throw firstError;
}

/**
 * The expected methods of one script, in V8 function order, without duplicate ids:
 * [{id, line, column, count, functionName}] (count = V8's call count, ranges[0].count).
 */
export function expectedMethods(coverageScript, sourceText, relativePath) {
  const mapped = mapV8Functions(coverageScript, sourceText, relativePath);
  // .cjs files are not scanned by the build scanner: no ids (the mapping above still validates them).
  if (relativePath.endsWith('.cjs')) return [];
  const methods = [];
  const seen = new Set();
  for (const { fn, idPos } of mapped) {
    if (idPos === null) continue;
    const { line, column } = acorn.getLineInfo(sourceText, idPos);
    const id = `${relativePath}@${line},${column}`;
    if (seen.has(id)) continue;
    seen.add(id);
    methods.push({ id, line, column, count: fn.ranges[0].count, functionName: fn.functionName });
  }
  return methods;
}

/** The expected method ids of one script, in V8 function order, without duplicates. */
export function expectedMethodIds(coverageScript, sourceText, relativePath) {
  return expectedMethods(coverageScript, sourceText, relativePath).map((m) => m.id);
}
