/**
 * Attribution: the loading rules here follow those of aws-lambda-nodejs-runtime-interface-client (the npm
 * package aws-lambda-ric, 3.x and 4.x; Copyright Amazon.com, Inc. or its affiliates; Apache License 2.0,
 * https://www.apache.org/licenses/LICENSE-2.0) closely: how a handler string is split and checked, where a
 * module is looked for and in which order, which `require`/`import` loads it, and the error types and
 * messages of each failure. This file is the project's own code (MIT, like the rest), written to behave as
 * the runtime client does, not copied from it; the differential tests (tests/layer/differential.test.mjs)
 * hold it to the runtime client's results.
 *
 * Loads the original handler with the runtime client's own rules, so that every module form loads through
 * the same `require`/`import` calls in the same order and every failure is the same `Runtime.*` error:
 * `load3` follows aws-lambda-ric 3.x (nodejs18/20/22), `load4` aws-lambda-ric 4.x (nodejs24).
 *
 * `require` is created for the runtime client's own file (found from its native addon in `require.cache`),
 * so "Require stack" lines in `Cannot find module` messages name the same file as without the layer.
 */
import { fs } from './builtins.mjs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { errors3, errors4 } from './errors.mjs';

const FUNCTION_EXPR = /^([^.]*)\.(.*)$/;
const RELATIVE_PATH_SUBSTRING = '..';
const MALFORMED = (h) =>
  `'${h}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`;

/** The file whose `require` the runtime client uses: next to its `rapid-client.node`, else the main script. */
export function runtimeRequireBase(cache = createRequire(import.meta.url).cache) {
  for (const key of Object.keys(cache)) {
    if (path.basename(key) === 'rapid-client.node') {
      const candidate = path.join(path.dirname(key), 'index.mjs');
      if (fs.existsSync(candidate)) return candidate;
    }
  }
  return process.argv[1] ? path.resolve(process.argv[1]) : path.join(process.cwd(), 'index.mjs');
}

let runtimeRequire;
function req() {
  runtimeRequire ??= createRequire(runtimeRequireBase());
  return runtimeRequire;
}

/** Loads `handlerString` from `appRoot` with the rules of runtime client generation 3 or 4. */
export function loadHandler(appRoot, handlerString, generation) {
  return generation >= 4 ? load4(appRoot, handlerString) : load3(appRoot, handlerString);
}

// ---- 3.x ---------------------------------------------------------------------------------------------

/** aws-lambda-ric 3.x: `UserFunction.load`. */
export async function load3(appRoot, fullHandlerString) {
  const E = errors3;
  if (fullHandlerString.includes(RELATIVE_PATH_SUBSTRING)) {
    throw new E.MalformedHandlerName(MALFORMED(fullHandlerString));
  }
  const handlerString = path.basename(fullHandlerString);
  const moduleRoot = fullHandlerString.substring(0, fullHandlerString.indexOf(handlerString));
  const match = handlerString.match(FUNCTION_EXPR);
  if (!match || match.length !== 3) throw new E.MalformedHandlerName('Bad handler');
  const [, moduleName, handlerPath] = match;

  let userApp;
  try {
    userApp = await require3(appRoot, moduleRoot, moduleName);
  } catch (e) {
    if (e instanceof SyntaxError) throw new E.UserCodeSyntaxError(e);
    if (e.code !== undefined && e.code === 'MODULE_NOT_FOUND') throw new E.ImportModuleError(e);
    throw e;
  }
  const handlerFunc = handlerPath.split('.').reduce((nested, key) => nested && nested[key], userApp);
  if (!handlerFunc) throw new E.HandlerNotFound(`${fullHandlerString} is undefined or not exported`);
  if (typeof handlerFunc !== 'function') throw new E.HandlerNotFound(`${fullHandlerString} is not a function`);
  return handlerFunc;
}

function requireIfExists(file) {
  return fs.existsSync(file) ? req()(file) : undefined;
}

async function importIfExists(file) {
  return fs.existsSync(file) ? await import(file) : undefined;
}

function folderIsModule(folder) {
  if (folder.endsWith('/node_modules')) return false;
  const pj = path.join(folder, '/package.json');
  if (fs.existsSync(pj)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(pj, 'utf8'));
      if (pkg) return pkg.type === 'module';
    } catch (e) {
      console.warn(`${pj} cannot be read, it will be ignored for ES module detection purposes.`, e);
      return false;
    }
  }
  if (folder === '/') return false;
  return folderIsModule(path.resolve(folder, '..'));
}

async function require3(appRoot, moduleRoot, moduleName) {
  const lambdaStylePath = path.resolve(appRoot, moduleRoot, moduleName);
  const extensionless = requireIfExists(lambdaStylePath);
  if (extensionless) return extensionless;

  const jsPath = `${lambdaStylePath}.js`;
  const isModule = fs.existsSync(jsPath) ? folderIsModule(path.resolve(path.dirname(jsPath))) : false;
  if (!isModule) {
    const loaded = requireIfExists(jsPath);
    if (loaded) return loaded;
  }
  const loaded =
    (isModule && (await importIfExists(jsPath))) ||
    (await importIfExists(`${lambdaStylePath}.mjs`)) ||
    requireIfExists(`${lambdaStylePath}.cjs`);
  if (loaded) return loaded;

  const nodeStylePath = req().resolve(moduleName, { paths: [appRoot, moduleRoot] });
  return req()(nodeStylePath);
}

// ---- 4.x ---------------------------------------------------------------------------------------------

/** aws-lambda-ric 4.x: `UserFunctionLoader.load`. */
export async function load4(appRoot, handlerString) {
  const E = errors4;
  if (handlerString.includes(RELATIVE_PATH_SUBSTRING)) throw new E.MalformedHandlerName(MALFORMED(handlerString));
  const base = path.basename(handlerString);
  const moduleRoot = handlerString.substring(0, handlerString.indexOf(base)).replace(/\/$/, '');
  const match = base.match(FUNCTION_EXPR);
  if (!match || match.length !== 3) throw new E.MalformedHandlerName('Bad handler');
  const [, moduleName, handlerName] = match;

  const module = await import4(appRoot, moduleRoot, moduleName);
  let handler = findIn(handlerName, module);
  if (!handler && typeof module === 'object' && module !== null && 'default' in module) {
    handler = findIn(handlerName, module.default);
  }
  if (!handler) throw new E.HandlerNotFound(`${handlerString} is undefined or not exported`);
  if (typeof handler !== 'function') throw new E.HandlerNotFound(`${handlerString} is not a function`);
  return handler;
}

function findIn(handlerName, module) {
  return handlerName
    .split('.')
    .reduce((nested, key) => (nested && typeof nested === 'object' ? nested[key] : undefined), module);
}

async function import4(appRoot, moduleRoot, moduleName) {
  const E = errors4;
  const full = path.resolve(appRoot, moduleRoot, moduleName);
  try {
    for (const extension of ['', '.js', '.mjs', '.cjs']) {
      const module = await importIfExists(`${full}${extension}`);
      if (module) return module;
    }
    const resolved = req().resolve(moduleName, { paths: [appRoot, path.join(appRoot, moduleRoot)] });
    return req()(resolved);
  } catch (err) {
    if (err instanceof SyntaxError) throw new E.UserCodeSyntaxError(err);
    if (err instanceof Error && /** @type {NodeJS.ErrnoException} */ (err).code === 'MODULE_NOT_FOUND') throw new E.ImportModuleError(err);
    throw err;
  }
}
