'use strict';
// JavaScript worker: a Jest-compatible runner. Loaded and waiting before the run arrives (warm pool); then it
// registers the test files' describe/test blocks, reports the collected list, runs each test and reports it on
// fd 3 as it finishes.
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { register } = require('node:module');
const { expect, jest, state, fmt } = require('./expect.js');

const writeSync = fs.writeSync;
const stringify = JSON.stringify;
let nonce = ''; // the run's report nonce: module-private, never exported or put on a global
const send = (msg) => { try { writeSync(3, (nonce ? nonce + ' ' : '') + stringify(msg) + '\n'); } catch { /* fd closed by the tests: they count as not run */ } };
const clip = (s, n) => (s.length <= n ? s : s.slice(0, n - 1) + '…');

register(pathToFileURL('/opt/sandbox/loader.mjs'));

// ---- registration ----
const root = { name: '', children: [], hooks: { beforeAll: [], afterAll: [], beforeEach: [], afterEach: [] }, parent: null };
let current = root;
let hasOnly = false;

function addTest(name, fn, mode) {
  if (mode === 'only') hasOnly = true;
  current.children.push({ kind: 'test', name: String(name), fn, mode, parent: current });
}
function addDescribe(name, fn, mode) {
  if (mode === 'only') hasOnly = true;
  const block = { kind: 'describe', name: String(name), children: [], hooks: { beforeAll: [], afterAll: [], beforeEach: [], afterEach: [] }, parent: current, mode };
  current.children.push(block);
  const prev = current;
  current = block;
  try { fn(); } finally { current = prev; }
}
function interpolate(title, row, index) {
  let i = 0;
  const args = Array.isArray(row) ? row : [row];
  let out = String(title).replace(/%[sdifjop#%]/g, (m) => {
    if (m === '%%') return '%';
    if (m === '%#') return String(index);
    const v = args[i++];
    return m === '%d' || m === '%i' ? String(Math.trunc(Number(v))) : m === '%f' ? String(Number(v)) : typeof v === 'string' && m === '%s' ? v : fmt(v);
  });
  if (!Array.isArray(row) && row && typeof row === 'object') out = out.replace(/\$(\w+)/g, (m, k) => (k in row ? fmt(row[k]).replace(/^'|'$/g, '') : m));
  return out;
}
function withEach(adder, mode) {
  return (table) => (title, fn) => table.forEach((row, i) => {
    const bound = (...a) => fn(...(Array.isArray(row) ? row : [row]), ...a);
    bound.source = fn;
    adder(interpolate(title, row, i), bound, mode);
  });
}
function makeTestApi(mode) {
  const t = (name, fn) => addTest(name, fn, mode);
  t.each = withEach(addTest, mode);
  return t;
}
const test = makeTestApi('normal');
test.only = makeTestApi('only');
test.skip = makeTestApi('skip');
test.todo = (name) => addTest(name, null, 'todo');
test.concurrent = test;
const describe = (name, fn) => addDescribe(name, fn, 'normal');
describe.only = (name, fn) => addDescribe(name, fn, 'only');
describe.skip = (name, fn) => addDescribe(name, fn, 'skip');
describe.each = withEach(addDescribe, 'normal');
const hook = (kind) => (fn) => current.hooks[kind].push(fn);

const testGlobals = {
  describe, test, it: test, xit: test.skip, xtest: test.skip, fit: test.only, xdescribe: describe.skip, fdescribe: describe.only,
  expect, jest,
  beforeAll: hook('beforeAll'), afterAll: hook('afterAll'), beforeEach: hook('beforeEach'), afterEach: hook('afterEach'),
};
// The test API cannot be replaced by the code under test: read-only globals, frozen functions and matchers.
for (const [name, value] of Object.entries(testGlobals)) {
  Object.defineProperty(globalThis, name, { value, writable: false, configurable: false, enumerable: false });
}
for (const f of [expect, test, describe, jest]) Object.freeze(f);

// Built-ins the harness and matchers rely on; checked after the run (a submission could patch them to make
// failing assertions pass).
const watched = () => [
  Object.is, Object.keys, Object.getPrototypeOf, Object.prototype.hasOwnProperty, Object.prototype.toString, Object.entries,
  Array.isArray, Array.from, Array.prototype.some, Array.prototype.every, Array.prototype.includes, Array.prototype.forEach,
  Array.prototype.map, Array.prototype.filter, Array.prototype.join, String.prototype.includes, RegExp.prototype.test,
  Function.prototype.call, Function.prototype.apply, Function.prototype.toString, Promise.prototype.then, Promise.resolve,
  JSON.stringify, JSON.parse, Error.captureStackTrace, Number.isNaN, Math.abs, Math.pow, fs.writeSync, process.hrtime.bigint,
  setTimeout, clearTimeout, setImmediate, globalThis.expect, globalThis.test, globalThis.describe, require('./expect.js').expect,
];
const before = watched();

// ---- running ----
const TEST_TIMEOUT_MS = 5000;
function callWithTimeout(fn, ctx) {
  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => { if (!settled) { settled = true; reject(new Error(`Exceeded timeout of ${TEST_TIMEOUT_MS} ms for a ${ctx}.`)); } }, TEST_TIMEOUT_MS);
    const finish = (err) => { if (settled) return; settled = true; clearTimeout(timer); err ? reject(err) : resolve(); };
    try {
      if (fn.length > 0) {
        const done = (err) => finish(err ? (err instanceof Error ? err : new Error(String(err))) : undefined);
        done.fail = (m) => finish(new Error(m));
        fn(done);
      } else {
        const r = fn();
        if (r && typeof r.then === 'function') r.then(() => finish(), (e) => finish(e || new Error('rejected')));
        else finish();
      }
    } catch (e) { finish(e); }
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
    const frame = (e.stack || '').split('\n').find((l) => l.includes('/work/'));
    return e.message + (frame ? '\n\n' + frame.trim() : '');
  }
  if (e instanceof Error) return String(e.stack || e.message);
  return 'thrown: ' + fmt(e);
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
      try { await callWithTimeout(h, 'hook'); } catch (e) { beforeAllError = beforeAllError || e; }
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
        for (const b of chain) for (const h of b.hooks.beforeEach) await callWithTimeout(h, 'hook');
        await callWithTimeout(child.fn, 'test');
        await new Promise((r) => setImmediate(r));
        if (currentTestError) throw currentTestError;
        if (state.expected === -1 && state.assertions === 0) throw new Error('expect.hasAssertions(): no assertions were called');
        if (state.expected >= 0 && state.assertions !== state.expected) throw new Error(`expect.assertions(${state.expected}): ${state.assertions} assertions were called`);
      } catch (e) {
        status = 'fail'; message = errorText(e);
      }
      for (const b of chain.reverse()) {
        for (const h of b.hooks.afterEach) {
          try { await callWithTimeout(h, 'hook'); } catch (e) { if (status === 'pass') { status = 'error'; message = 'afterEach failed: ' + errorText(e); } }
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
    for (const h of block.hooks.afterAll) { try { await callWithTimeout(h, 'hook'); } catch { /* reported with the tests */ } }
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
  const codeOf = (fn) => { const s = Function.prototype.toString.call(fn.source || fn); const m = s.match(/^(?:async\s*)?(?:function\s*\w*)?\s*\([^)]*\)\s*(?:=>)?\s*\{([\s\S]*)\}\s*$/); return (m ? m[1] : s).replace(/^\n+|\s+$/g, ''); };
  await runBlock(root, outputChars, codeOf);
  const after = watched();
  const changed = before.map((f, i) => (after[i] === f ? null : String(i))).filter((x) => x !== null);
  send({ type: 'integrity', ok: changed.length === 0, changed });
  send({ type: 'done', exitCode: 0 });
  process.exit(0);
}

main().catch((e) => { send({ type: 'collect_error', file: '', message: clip(errorText(e), 20000) }); process.exit(1); });
