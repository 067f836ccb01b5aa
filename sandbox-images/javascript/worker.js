'use strict';
// JavaScript worker: a Jest-compatible runner. Loaded and waiting before the run arrives (warm pool); then it
// registers the test files' describe/test blocks, reports the collected list, runs each test and reports it on
// fd 3 as it finishes.
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const util = require('node:util');
const Module = require('node:module');
const { expect, jest, state, fmt, pretty, timers } = require('./expect.js');

const writeSync = fs.writeSync;
const stringify = JSON.stringify;
let nonce = ''; // the run's report nonce: module-private, never exported or put on a global
const send = (msg) => { try { writeSync(3, (nonce ? nonce + ' ' : '') + stringify(msg) + '\n'); } catch { /* fd closed by the tests: they count as not run */ } };
const clip = (s, n) => (s.length <= n ? s : s.slice(0, n - 1) + '…');

Module.register(pathToFileURL('/opt/sandbox/loader.mjs'));
// Hooks registered by the code under test would run before ours for every later import (another test file, or
// '@jest/globals'); it cannot add any (the ES form `import { register } from 'node:module'` is made from this too).
Module.register = () => { throw new Error('module.register() is not available in tests'); };

// ---- registration ----
const root = { name: '', children: [], hooks: { beforeAll: [], afterAll: [], beforeEach: [], afterEach: [] }, parent: null };
let current = root;
let hasOnly = false;

function addTest(name, fn, mode, timeout, args) {
  if (mode !== 'todo' && typeof fn !== 'function') throw new Error(`Missing second argument. It must be a callback function. Perhaps you want to use \`test.todo\` for a test placeholder.`);
  if (mode === 'only') hasOnly = true;
  current.children.push({ kind: 'test', name: String(name), fn, args: args || [], timeout, mode, parent: current });
}
function addDescribe(name, fn, mode, _timeout, args) {
  if (typeof fn !== 'function') throw new Error('Invalid second argument. It must be a callback function.');
  if (mode === 'only') hasOnly = true;
  const block = { kind: 'describe', name: String(name), children: [], hooks: { beforeAll: [], afterAll: [], beforeEach: [], afterEach: [] }, parent: current, mode };
  current.children.push(block);
  const prev = current;
  current = block;
  try { fn(...(args || [])); } finally { current = prev; }
}

// Titles of .each rows as Jest writes them: printf placeholders (util.format, %p pretty-format, %# index,
// %$ number) for array rows; $name and $name.path (pretty-format for non-primitives) and $# for table rows.
function arrayTitle(title, row, index) {
  let out = String(title).replace(/%#/g, String(index)).replace(/%\$/g, String(index + 1));
  for (const value of row) {
    const m = /%[sdifjoOp]/.exec(out.replace(/%%/g, '  '));
    if (!m) break;
    const text = m[0] === '%p' ? pretty(value, { maxDepth: 1 }) : util.format(m[0], value);
    out = out.slice(0, m.index) + text.replace(/%/g, '\u0000') + out.slice(m.index + 2);
  }
  return out.replace(/%%/g, '%').replace(/\u0000/g, '%');
}
function tableTitle(title, row, index) {
  const keys = Object.keys(row).sort((a, b) => b.length - a.length).map((k) => k.replace(/[$]/g, '\\$'));
  if (!keys.length) return String(title).replace('$#', String(index));
  return String(title).replace(new RegExp(`\\$(${keys.join('|')})[.\\w]*`, 'g'), (match) => {
    let value = row;
    for (const k of match.slice(1).split('.')) {
      if (value === null || value === undefined || !Object.prototype.hasOwnProperty.call(Object(value), k)) break;
      value = value[k];
    }
    return value === null || (typeof value !== 'object' && typeof value !== 'function') ? String(value) : pretty(value, { maxDepth: 1 });
  }).replace('$#', String(index));
}
// A tagged template table: the first line names the columns, then one value per cell.
function templateRows(strings, values) {
  const headings = strings[0].replace(/\s+$/, '').split('|').map((h) => h.trim()).filter(Boolean);
  if (!headings.length || values.length % headings.length !== 0) {
    throw new Error(`Not enough arguments supplied for given headings:\n${headings.join(' | ')}\n\nReceived:\n${fmt(values)}\n\nMissing ${headings.length - (values.length % headings.length)} argument(s)`);
  }
  const rows = [];
  for (let i = 0; i < values.length; i += headings.length) {
    const row = {};
    headings.forEach((h, j) => { row[h] = values[i + j]; });
    rows.push(row);
  }
  return rows;
}
function withEach(adder, mode) {
  return (table, ...values) => (title, fn, timeout) => {
    let rows, named = false;
    if (Array.isArray(table) && Array.isArray(table.raw)) { rows = templateRows(table, values); named = true; }
    else if (Array.isArray(table)) rows = table;
    else throw new Error(`.each must be called with an Array or Tagged Template Literal.\n\nInstead was called with: ${pretty(table, { maxDepth: 1 })}`);
    rows.forEach((row, i) => {
      const args = named || !Array.isArray(row) ? [row] : row;
      adder(named ? tableTitle(title, row, i) : arrayTitle(title, args, i), fn, mode, timeout, args);
    });
  };
}
function makeTestApi(mode) {
  const t = (name, fn, timeout) => addTest(name, fn, mode, timeout);
  t.each = withEach(addTest, mode);
  return t;
}
function makeDescribeApi(mode) {
  const d = (name, fn) => addDescribe(name, fn, mode);
  d.each = withEach(addDescribe, mode);
  return d;
}
const test = makeTestApi('normal');
test.only = makeTestApi('only');
test.skip = makeTestApi('skip');
test.todo = (name) => addTest(name, null, 'todo');
test.concurrent = test;
const describe = makeDescribeApi('normal');
describe.only = makeDescribeApi('only');
describe.skip = makeDescribeApi('skip');
const hook = (kind) => (fn, timeout) => { current.hooks[kind].push({ fn, timeout }); };

const testGlobals = {
  describe, test, it: test, xit: test.skip, xtest: test.skip, fit: test.only, xdescribe: describe.skip, fdescribe: describe.only,
  expect, jest,
  beforeAll: hook('beforeAll'), afterAll: hook('afterAll'), beforeEach: hook('beforeEach'), afterEach: hook('afterEach'),
};
// The test API cannot be replaced by the code under test: read-only globals, frozen functions and matchers.
for (const [name, value] of Object.entries(testGlobals)) {
  Object.defineProperty(globalThis, name, { value, writable: false, configurable: false, enumerable: false });
}
for (const f of [expect, jest, test, test.only, test.skip, describe, describe.only, describe.skip]) Object.freeze(f);

// ---- modules ----
// require('@jest/globals') is the same frozen API (ES modules get it from loader.mjs), never a cached module that
// code could replace.
const jestGlobals = Object.freeze({ ...testGlobals });
const loadModule = Module._load;
Module._load = function (request, parent, isMain) {
  return request === '@jest/globals' ? jestGlobals : loadModule.call(this, request, parent, isMain);
};
// Node 18 cannot require() an ES module. Before the test files load, each ES module that a CommonJS file under
// /work requires by a literal relative path is imported, and require() returns its namespace (what require(esm)
// returns in later Node versions, and close to babel's interop: named exports plus `default`).
const ESM_SYNTAX = /(^|\n)\s*(import\s*[\w{*'"]|export\s+(default|const|let|var|function|class|async|\{|\*))/;
const esModules = new Map(); // filename -> { ns } | { error }
const compileJs = Module._extensions['.js'];
function requireEsm(module, filename) {
  const m = esModules.get(filename);
  if (!m) throw new Error(`require() of the ES module ${filename}: require it with a literal relative path, or import it`);
  if (m.error) throw m.error;
  module.exports = m.ns;
}
Module._extensions['.js'] = function (module, filename) {
  return esModules.has(filename) ? requireEsm(module, filename) : compileJs.call(this, module, filename);
};
Module._extensions['.mjs'] = requireEsm;

async function importRequiredEsModules(files) {
  const isEsm = (file) => file.endsWith('.mjs') || (file.endsWith('.js') && ESM_SYNTAX.test(fs.readFileSync(file, 'utf8')));
  for (const f of files) {
    const file = path.join('/work', f);
    let source;
    try { source = fs.readFileSync(file, 'utf8'); } catch { continue; }
    if (!/\.c?js$/.test(file) || (file.endsWith('.js') && ESM_SYNTAX.test(source))) continue;
    const req = Module.createRequire(file);
    for (const m of source.matchAll(/\brequire\s*\(\s*(['"])(\.{1,2}(?:\/[^'"]*)?)\1\s*\)/g)) {
      let target;
      try { target = req.resolve(m[2]); if (esModules.has(target) || !isEsm(target)) continue; } catch { continue; }
      try { esModules.set(target, { ns: await import(pathToFileURL(target).href) }); } catch (error) { esModules.set(target, { error }); }
    }
  }
}

// Built-ins the harness and matchers rely on; checked after the run (a submission could patch them to make
// failing assertions pass).
const watched = () => [
  Object.is, Object.keys, Object.getPrototypeOf, Object.prototype.hasOwnProperty, Object.prototype.toString, Object.entries,
  Array.isArray, Array.from, Array.prototype.some, Array.prototype.every, Array.prototype.includes, Array.prototype.forEach,
  Array.prototype.map, Array.prototype.filter, Array.prototype.join, String.prototype.includes, RegExp.prototype.test,
  Function.prototype.call, Function.prototype.apply, Function.prototype.toString, Promise.prototype.then, Promise.resolve,
  JSON.stringify, JSON.parse, Error.captureStackTrace, Number.isNaN, Math.abs, Math.pow, fs.writeSync, process.hrtime.bigint,
  setTimeout, clearTimeout, setImmediate, globalThis.expect, globalThis.test, globalThis.describe, require('./expect.js').expect,
  Module._load, Module._extensions['.js'], Module.register,
];
const before = watched();

// ---- running ----
// The harness's own timers: jest.useFakeTimers() replaces the globals that tests see.
const realSetTimeout = setTimeout, realClearTimeout = clearTimeout, realSetImmediate = setImmediate;
function callWithTimeout(fn, args, timeout, ctx) {
  const ms = timeout > 0 ? timeout : state.timeout;
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (ok, err) => { if (settled) return; settled = true; realClearTimeout(timer); ok ? resolve() : reject(err); };
    const timer = realSetTimeout(() => finish(false, new Error(`Exceeded timeout of ${ms} ms for a ${ctx}.\nAdd a timeout value to this ${ctx} to increase the timeout, if this is a long-running ${ctx}. See https://jestjs.io/docs/api#testname-fn-timeout.`)), ms);
    try {
      if (fn.length > args.length) { // takes a done callback
        let called = false, returned = false, early = null;
        const end = (ok, err) => { if (returned) finish(ok, err); else early = early || [ok, err]; };
        const done = (err) => {
          if (called) { currentTestError = currentTestError || new Error('Expected done to be called once, but it was called multiple times.'); return; }
          called = true;
          if (err === undefined || err === null) end(true);
          else end(false, err instanceof Error ? err : new Error('Failed: ' + pretty(err)));
        };
        done.fail = (m) => end(false, new Error(m === undefined ? 'Failed' : 'Failed: ' + m));
        const r = fn(...args, done);
        returned = true;
        if (r !== undefined) finish(false, new Error("Test functions cannot both take a 'done' callback and return something. Either use a 'done' callback, or return a promise."));
        else if (early) finish(...early);
      } else {
        const r = fn(...args);
        if (r && typeof r.then === 'function') r.then(() => finish(true), (e) => finish(false, e));
        else finish(true);
      }
    } catch (e) { finish(false, e); }
  });
}

function fullName(node) {
  const parts = [];
  for (let n = node; n && n.parent; n = n.parent) parts.unshift(n.name);
  return parts.join(' > ');
}
function allTests(block, out = []) {
  for (const c of block.children) c.kind === 'test' ? out.push(c) : allTests(c, out);
  return out;
}
function skipped(node) {
  if (node.mode === 'skip' || node.mode === 'todo') return true;
  for (let n = node.parent; n; n = n.parent) if (n.mode === 'skip') return true;
  if (!hasOnly) return false;
  for (let n = node; n; n = n.parent) if (n.mode === 'only') return false;
  return true;
}
function errorText(e) {
  if (e && e.name === 'AssertionError' && e.matcherResult) {
    const stack = String(e.stack || ''); // its message may quote frames of a thrown error: look past it
    const frame = stack.slice(stack.indexOf(e.message) + e.message.length).split('\n').find((l) => l.includes('/work/'));
    return e.message + (frame ? '\n\n' + frame.trim() : '');
  }
  if (e instanceof Error) return String(e.stack || e.message);
  return 'thrown: ' + pretty(e);
}

let captured = null;
const realConsole = {};
for (const m of ['log', 'info', 'warn', 'error', 'debug', 'trace']) {
  realConsole[m] = console[m];
  console[m] = (...args) => {
    const line = args.map((a) => (typeof a === 'string' ? a : fmt(a))).join(' ') + '\n';
    if (captured !== null) { if (captured.length < 100000) captured += line; } else process.stdout.write(line);
  };
}
let currentTestError = null;
process.on('uncaughtException', (e) => { currentTestError = currentTestError || e; });
process.on('unhandledRejection', (e) => { currentTestError = currentTestError || e; });

async function runBlock(block, outputChars, codeOf) {
  const tests = allTests(block);
  const active = tests.filter((t) => !skipped(t));
  let beforeAllError = null;
  if (active.length) {
    for (const h of block.hooks.beforeAll) {
      try { await callWithTimeout(h.fn, [], h.timeout, 'hook'); } catch (e) { beforeAllError = beforeAllError || e; }
    }
  }
  for (const child of block.children) {
    if (child.kind === 'describe') { await runBlock(child, outputChars, codeOf); continue; }
    const name = fullName(child);
    send({ type: 'test_started', name });
    const t0 = process.hrtime.bigint();
    let status = 'pass', message = null;
    captured = '';
    currentTestError = null;
    if (skipped(child)) {
      status = 'error'; message = child.mode === 'todo' ? 'todo: not implemented' : 'skipped';
    } else if (beforeAllError) {
      status = 'error'; message = 'beforeAll failed: ' + errorText(beforeAllError);
    } else {
      state.assertions = 0; state.expected = undefined;
      const chain = [];
      for (let n = child.parent; n; n = n.parent) chain.unshift(n);
      try {
        for (const b of chain) for (const h of b.hooks.beforeEach) await callWithTimeout(h.fn, [], h.timeout, 'hook');
        await callWithTimeout(child.fn, child.args, child.timeout, 'test');
        await new Promise((r) => realSetImmediate(r));
        if (currentTestError) throw currentTestError;
        if (state.expected === -1 && state.assertions === 0) throw new Error('expect.hasAssertions(): no assertions were called');
        if (state.expected >= 0 && state.assertions !== state.expected) throw new Error(`expect.assertions(${state.expected}): ${state.assertions} assertions were called`);
      } catch (e) {
        status = 'fail'; message = errorText(e);
      }
      for (const b of chain.reverse()) {
        for (const h of b.hooks.afterEach) {
          try { await callWithTimeout(h.fn, [], h.timeout, 'hook'); } catch (e) { if (status === 'pass') { status = 'error'; message = 'afterEach failed: ' + errorText(e); } }
        }
      }
    }
    const output = captured;
    captured = null;
    send({
      type: 'test_finished', name, status, message: message && clip(message, 20000),
      output: output ? clip(output, outputChars) : null, testCode: child.fn ? clip(codeOf(child.fn), 20000) : null,
      taskId: null, durationMs: Number((process.hrtime.bigint() - t0) / 1000000n),
    });
  }
  if (active.length) {
    for (const h of block.hooks.afterAll) { try { await callWithTimeout(h.fn, [], h.timeout, 'hook'); } catch { /* reported with the tests */ } }
  }
}

async function main() {
  send({ type: 'ready' });
  const input = fs.readFileSync(0, 'utf8');
  if (!input.trim()) return;
  const run = JSON.parse(input.split('\n')[0]);
  nonce = String(run.nonce || '');
  delete run.nonce;
  const outputChars = run.testOutputChars || 500;
  const testFiles = run.files.filter((f) => (run.testFiles || []).includes(f));
  await importRequiredEsModules(run.files);
  for (const f of testFiles) {
    const file = path.join('/work', f);
    current = root;
    try {
      await import(pathToFileURL(file).href);
    } catch (e) {
      send({ type: 'collect_error', file: f, message: clip(errorText(e), 20000) });
    }
  }
  current = root;
  send({ type: 'collected', tests: allTests(root).map(fullName) });
  const codeOf = (fn) => { const s = Function.prototype.toString.call(fn); const m = s.match(/^(?:async\s*)?(?:function\s*\w*)?\s*\([^)]*\)\s*(?:=>)?\s*\{([\s\S]*)\}\s*$/); return (m ? m[1] : s).replace(/^\n+|\s+$/g, ''); };
  await runBlock(root, outputChars, codeOf);
  timers.restore(); // fake timers left on by a test are not a change to the built-ins
  const after = watched();
  const changed = before.map((f, i) => (after[i] === f ? null : String(i))).filter((x) => x !== null);
  send({ type: 'integrity', ok: changed.length === 0, changed });
  send({ type: 'done', exitCode: 0 });
  process.exit(0);
}

main().catch((e) => { send({ type: 'collect_error', file: '', message: clip(errorText(e), 20000) }); process.exit(1); });
