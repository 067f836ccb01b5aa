'use strict';
// JavaScript check worker for hidden checks (docs/hidden-checks-protocol.md). Started warm next to the test worker:
// registers the same CJS/ESM loader, reports ready on fd 3, blocks on one stdin line, then runs each check (call a
// function, construct an object and call its methods, or run a module as a program with a given stdin) and reports
// every result on fd 3 as `<nonce> <json>`.
//
// Learner code runs in this process and may patch any global (JSON.stringify, Array.prototype.map,
// Object.prototype.toJSON, process.exit, ...). So everything this file uses after the first learner module is
// loaded is captured here, before that, and values are serialized by our own code that only reads own data
// properties (never getters, toJSON, iterators or Proxies of the learner's). Reports are built as strings, never
// as objects or arrays that a patched prototype setter could see.

const fs = require('node:fs');
const childProcess = require('node:child_process');
const util = require('node:util');
const { pathToFileURL } = require('node:url');
const { register } = require('node:module');

// ---- primordials ----
const ReflectApply = Reflect.apply;
const ReflectConstruct = Reflect.construct;
const ObjectGetPrototypeOf = Object.getPrototypeOf;
const ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const ObjectKeys = Object.keys;
const ObjectHasOwn = Object.hasOwn;
const ObjectPrototype = Object.prototype;
const ArrayIsArray = Array.isArray;
const ArrayPrototype = Array.prototype;
const MapPrototype = Map.prototype;
const SetPrototype = Set.prototype;
const ErrorPrototype = Error.prototype;
const MapPrototypeEntries = Map.prototype.entries;
const SetPrototypeValues = Set.prototype.values;
const MapIteratorNext = ObjectGetPrototypeOf(new Map().entries()).next;
const SetIteratorNext = ObjectGetPrototypeOf(new Set().values()).next;
const NumberIsFinite = Number.isFinite;
const String_ = String;
const StringPrototypeSlice = String.prototype.slice;
const StringPrototypeLastIndexOf = String.prototype.lastIndexOf;
const RegExpPrototypeExec = RegExp.prototype.exec;
const JSONParse = JSON.parse;
const JSONStringify = JSON.stringify; // only ever given a primitive string: no toJSON, replacer or user code involved
const DateNow = Date.now;
const Promise_ = Promise;
const PromisePrototypeThen = Promise.prototype.then;
const setTimeout_ = setTimeout;
const clearTimeout_ = clearTimeout;
const TimeoutUnref = (() => { const t = setTimeout(() => {}, 0); const u = ObjectGetPrototypeOf(t).unref; clearTimeout(t); return u; })();
const Buffer_ = Buffer;
const BufferAlloc = Buffer.alloc;
const BufferConcat = Buffer.concat;
const BufferByteLength = Buffer.byteLength;
const BufferToString = Buffer.prototype.toString;
const { isProxy, isPromise, isNativeError, isMap, isSet } = util.types;
const writeSync = fs.writeSync;
const readSync = fs.readSync;
const existsSync = fs.existsSync;
const readFileSync = fs.readFileSync;
const spawnSync = childProcess.spawnSync;
const execPath = process.execPath;
const processOn = process.on;
const reallyExit = typeof process.reallyExit === 'function' ? process.reallyExit : process.exit;
const AtomicsWait = Atomics.wait;
const Int32Array_ = Int32Array;
const SharedArrayBuffer_ = SharedArrayBuffer;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

const apply = (f, self, args) => ReflectApply(f, self, args);
const slice = (s, a, b) => ReflectApply(StringPrototypeSlice, s, b === undefined ? [a] : [a, b]);

const SANDBOX_DIR = process.env.CHECKS_SANDBOX_DIR || '/opt/sandbox';
const LOADER_URL = pathToFileURL(SANDBOX_DIR + '/loader.mjs');
const WORK = process.cwd();
// Same test as loader.mjs: a .js file with import/export syntax is an ES module (used to start a stdin program).
const ESM_SYNTAX = /(^|\n)\s*(import\s*[\w{*'"]|export\s+(default|const|let|var|function|class|async|\{|\*))/;

const MAX_DEPTH = 64;
const MAX_BYTES = 1024 * 1024;
const MESSAGE_CHARS = 2000;

let nonce = null; // module-private, never exported or put on a global
const send = (json) => {
  try { writeSync(3, (nonce === null ? '' : nonce + ' ') + json + '\n'); } catch { /* fd 3 closed: the rest count as not run */ }
};
const exit = (code) => { try { apply(reallyExit, process, [code]); } catch { /* nothing better to do */ } };
const quote = (s) => JSONStringify(s);
const clip = (s, n) => (s.length <= n ? s : slice(s, 0, n - 1) + '…');

// ---- values -> canonical JSON ----
const FAIL = { __proto__: null }; // thrown inside the serializer; identity-compared in the catch
let failMessage = '';

function ctorNameOf(proto) { // the name of proto.constructor, read through own data properties only; '' if none
  if (proto === null || isProxy(proto)) return '';
  const d = ObjectGetOwnPropertyDescriptor(proto, 'constructor');
  return d !== undefined && ObjectHasOwn(d, 'value') ? fnName(d.value) : '';
}

function fnName(f) { // f.name if an own data property holding a string, else ''
  if (typeof f !== 'function' || isProxy(f)) return '';
  const n = ObjectGetOwnPropertyDescriptor(f, 'name');
  return n !== undefined && ObjectHasOwn(n, 'value') && typeof n.value === 'string' ? n.value : '';
}

function kindOf(v) { // for "returned a <kind>"
  if (v === null || (typeof v !== 'object' && typeof v !== 'function')) return typeof v;
  if (isProxy(v)) return 'Proxy';
  if (typeof v === 'function') return 'function';
  const name = ctorNameOf(ObjectGetPrototypeOf(v));
  return name === '' ? 'object' : name;
}

// -> { ok: true, json } or { ok: false, message }
function serialize(value) {
  let out = '';
  const fail = (message) => { failMessage = message; throw FAIL; };
  const put = (s) => { out += s; if (out.length > MAX_BYTES) fail('returned a value larger than 1 MiB of JSON'); };
  const dataValue = (obj, key) => {
    const d = ObjectGetOwnPropertyDescriptor(obj, key);
    if (d === undefined) return undefined;
    if (!ObjectHasOwn(d, 'value')) fail('returned an object with a getter (' + key + ')');
    return d.value;
  };
  const w = (v, depth) => {
    switch (typeof v) {
      case 'undefined': put('null'); return;
      case 'boolean': put(v ? 'true' : 'false'); return;
      case 'number':
        if (NumberIsFinite(v)) put(String_(v)); // String(-0) is "0"
        else put(v !== v ? '{"$float":"nan"}' : v > 0 ? '{"$float":"inf"}' : '{"$float":"-inf"}');
        return;
      case 'bigint':
        if (v > MAX_SAFE || v < -MAX_SAFE) fail('returned a bigint beyond ±(2^53-1)');
        put(String_(v));
        return;
      case 'string': put(quote(v)); return;
      case 'symbol': fail('returned a symbol'); return;
      case 'function': fail('returned a function'); return;
      default: break;
    }
    if (v === null) { put('null'); return; }
    if (depth >= MAX_DEPTH) fail('returned a value nested deeper than ' + MAX_DEPTH + ' levels');
    if (isProxy(v)) fail('returned a Proxy');
    const proto = ObjectGetPrototypeOf(v);
    if (ArrayIsArray(v)) {
      if (proto !== ArrayPrototype) fail('returned a ' + kindOf(v));
      const n = dataValue(v, 'length');
      put('[');
      for (let i = 0; i < n; i++) {
        if (i > 0) put(',');
        w(dataValue(v, String_(i)), depth + 1); // a hole is null, as in JSON
      }
      put(']');
      return;
    }
    if (proto === ObjectPrototype || proto === null) {
      const keys = ObjectKeys(v);
      put('{');
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i];
        if (i > 0) put(',');
        put(quote(k));
        put(':');
        w(dataValue(v, k), depth + 1);
      }
      put('}');
      return;
    }
    if (proto === MapPrototype && isMap(v)) {
      const it = apply(MapPrototypeEntries, v, []);
      put('{');
      for (let first = true; ; first = false) {
        const r = apply(MapIteratorNext, it, []);
        if (r.done) break;
        const k = r.value[0];
        if (typeof k !== 'string') fail('returned a Map with a non-string key');
        if (!first) put(',');
        put(quote(k));
        put(':');
        w(r.value[1], depth + 1);
      }
      put('}');
      return;
    }
    if (proto === SetPrototype && isSet(v)) {
      const it = apply(SetPrototypeValues, v, []);
      put('[');
      for (let first = true; ; first = false) {
        const r = apply(SetIteratorNext, it, []);
        if (r.done) break;
        if (!first) put(',');
        w(r.value, depth + 1);
      }
      put(']');
      return;
    }
    fail('returned a ' + kindOf(v));
  };
  try {
    w(value, 0);
  } catch (e) {
    if (e === FAIL) return { ok: false, message: failMessage };
    return { ok: false, message: 'could not serialize the value' };
  }
  if (BufferByteLength(out, 'utf8') > MAX_BYTES) return { ok: false, message: 'returned a value larger than 1 MiB of JSON' };
  return { ok: true, json: out };
}

// ---- errors -> {type, types, message} (types already as a JSON array string) ----
const errorRecord = (type, message) => ({ type, typesJson: '[' + quote(type) + ']', message: clip(message, MESSAGE_CHARS) });

function describeThrown(e) {
  try {
    if (e === null || (typeof e !== 'object' && typeof e !== 'function')) {
      return errorRecord('Thrown', typeof e === 'string' ? e : String_(e));
    }
    if (isProxy(e)) return errorRecord('Thrown', 'a Proxy');
    let isError = isNativeError(e);
    let typesJson = '';
    let first = '';
    let message;
    let p = e;
    for (let d = 0; d < 64; d++) {
      if (message === undefined) {
        const md = ObjectGetOwnPropertyDescriptor(p, 'message');
        if (md !== undefined) message = ObjectHasOwn(md, 'value') && typeof md.value === 'string' ? md.value : '';
      }
      p = ObjectGetPrototypeOf(p);
      if (p === null || p === ObjectPrototype || isProxy(p)) break;
      if (p === ErrorPrototype) isError = true;
      const name = ctorNameOf(p);
      if (name !== '') {
        if (first === '') first = name;
        typesJson += (typesJson === '' ? '' : ',') + quote(name);
      }
    }
    if (isError && first !== '') {
      return { type: first, typesJson: '[' + typesJson + ']', message: clip(message === undefined ? '' : message, MESSAGE_CHARS) };
    }
    const s = serialize(e);
    return errorRecord('Thrown', s.ok ? s.json : 'a ' + kindOf(e));
  } catch {
    return errorRecord('Thrown', 'an unreadable value');
  }
}

// ---- awaiting a learner's promise ----
let waiting = null; // finish(result) of the promise being awaited, if any
processOn.call(process, 'beforeExit', () => { // the event loop emptied while a promise was pending: it never settles
  if (waiting !== null) waiting({ ok: false, error: errorRecord('NeverSettled', 'the returned promise never settled') });
});
processOn.call(process, 'uncaughtException', (e) => { // e.g. a throw in a learner's timer callback
  if (waiting !== null) waiting({ ok: false, error: describeThrown(e) });
});
processOn.call(process, 'unhandledRejection', () => { /* a stray rejection is no check's result */ });

let deadline = 0;
const remaining = () => { const ms = deadline - DateNow(); return ms > 1 ? ms : 1; };

// -> a promise of { ok: true, value } | { ok: false, error }; a non-thenable settles at once
function settle(v) {
  return new Promise_((resolve) => {
    let promise = null;
    try {
      if (isPromise(v)) promise = v;
      else if (v !== null && (typeof v === 'object' || typeof v === 'function') && !isProxy(v)) {
        const then = v.then; // learner code may run here (a getter): the call is learner code anyway
        if (typeof then === 'function') promise = new Promise_((res, rej) => apply(then, v, [res, rej]));
      }
    } catch (e) { resolve({ ok: false, error: describeThrown(e) }); return; }
    if (promise === null) { resolve({ ok: true, value: v }); return; }
    let done = false;
    const timer = setTimeout_(() => finish({ ok: false, error: errorRecord('Timeout', 'the returned promise did not settle in time') }), remaining());
    apply(TimeoutUnref, timer, []); // so that the loop can empty and beforeExit can tell a promise that never settles
    function finish(r) {
      if (done) return;
      done = true;
      waiting = null;
      clearTimeout_(timer);
      resolve(r);
    }
    waiting = finish;
    try {
      apply(PromisePrototypeThen, promise, [(value) => finish({ ok: true, value }), (e) => finish({ ok: false, error: describeThrown(e) })]);
    } catch (e) { finish({ ok: false, error: describeThrown(e) }); }
  });
}

// ---- finding the learner's modules and functions ----
let solutionFiles = null; // the run's `files`: only these are candidates
function moduleFile(mod) {
  if (typeof mod !== 'string' || mod === '' || apply(RegExpPrototypeExec, /(^|\/)\.\.?(\/|$)|^\/|\\|\0/, [mod]) !== null) return null;
  const exts = ['.js', '.mjs', '.cjs'];
  for (let i = 0; i < 3; i++) {
    const name = mod + exts[i];
    let listed = solutionFiles === null;
    if (!listed) for (let j = 0; j < solutionFiles.length; j++) if (solutionFiles[j] === name) listed = true;
    if (listed && existsSync(WORK + '/' + name)) return WORK + '/' + name;
  }
  return null;
}

function splitCall(call) { // "greeting.greet" -> ["greeting", "greet"]
  const dot = apply(StringPrototypeLastIndexOf, call, ['.']);
  return dot <= 0 ? null : [slice(call, 0, dot), slice(call, dot + 1)];
}

const failure = (type, message) => ({ ok: false, error: errorRecord(type, message) });

const loadedModules = { __proto__: null }; // file -> module namespace

// -> { ok: true, value: the function/class } | { ok: false, error }
async function resolveCallable(call) {
  const parts = typeof call === 'string' ? splitCall(call) : null;
  if (parts === null) return failure('NameNotFound', 'not a <module>.<name> call: ' + clip(String_(call), 200));
  const mod = parts[0], name = parts[1];
  const file = moduleFile(mod);
  if (file === null) return failure('ModuleNotFound', 'no module ' + mod + '.js, ' + mod + '.mjs or ' + mod + '.cjs in the solution');
  // Namespaces are kept here: a module loaded once is not loaded through node's import machinery again (which a
  // patched Promise.prototype.then would break).
  let ns = loadedModules[file];
  if (ns === undefined) {
    let imported;
    try {
      imported = import(pathToFileURL(file).href);
    } catch (e) { return { ok: false, error: describeThrown(e) }; }
    const loaded = await settle(imported); // a top-level await that never settles is caught like a promise result
    if (!loaded.ok) return loaded;
    ns = loadedModules[file] = loaded.value;
  }
  try {
    let f = ns[name];
    if (typeof f !== 'function') {
      const def = ns.default;
      if (def !== null && (typeof def === 'object' || typeof def === 'function')) {
        const g = def[name];
        if (typeof g === 'function') f = g;
        else if (typeof def === 'function' && fnName(def) === name) f = def;
      }
    }
    if (typeof f !== 'function') return failure('NameNotFound', 'the module ' + mod + ' exports no function ' + name);
    return { ok: true, value: f };
  } catch (e) { return { ok: false, error: describeThrown(e) }; }
}

// ---- the three shapes of a check -> { ok: true, json } | { ok: false, error } ----
const fromValue = (r) => {
  if (!r.ok) return r;
  const s = serialize(r.value);
  return s.ok ? { ok: true, json: s.json } : failure('$unserializable', s.message);
};

async function callCheck(c) {
  const f = await resolveCallable(c.call);
  if (!f.ok) return f;
  let v;
  try { v = apply(f.value, undefined, c.args); } catch (e) { return { ok: false, error: describeThrown(e) }; }
  return fromValue(await settle(v));
}

async function stepsCheck(c) {
  const C = await resolveCallable(c.call);
  if (!C.ok) return C;
  let obj;
  try { obj = ReflectConstruct(C.value, c.args); } catch (e) { return { ok: false, error: describeThrown(e) }; }
  let json = '[';
  for (let i = 0; i < c.steps.length; i++) {
    const step = c.steps[i];
    let v;
    try {
      const m = obj[step.method];
      if (typeof m !== 'function') return failure('NameNotFound', 'the object has no method ' + clip(String_(step.method), 200));
      v = apply(m, obj, step.args);
    } catch (e) { return { ok: false, error: describeThrown(e) }; }
    // Each step's result is serialized as it returns (a later step cannot change what an earlier one returned).
    const r = fromValue(await settle(v));
    if (!r.ok) return r;
    json += (i > 0 ? ',' : '') + r.json;
    if (json.length > MAX_BYTES) return failure('$unserializable', 'returned a value larger than 1 MiB of JSON');
  }
  return { ok: true, json: json + ']' };
}

function stdinCheck(c) {
  let file = typeof c.call === 'string' ? moduleFile(c.call) : null;
  if (file === null && typeof c.call === 'string') { const parts = splitCall(c.call); if (parts !== null) file = moduleFile(parts[0]); }
  if (file === null) return failure('ModuleNotFound', 'no module ' + clip(String_(c.call), 200) + '.js, .mjs or .cjs in the solution');
  const args = ['--max-old-space-size=96', '--stack-size=900'];
  let esm = false;
  if (slice(file, -3) === '.js') {
    try { esm = apply(RegExpPrototypeExec, ESM_SYNTAX, [readFileSync(file, 'utf8')]) !== null; } catch { /* node reports it */ }
  }
  const argv = esm ? [args[0], args[1], '--experimental-loader', LOADER_URL.href, file] : [args[0], args[1], file];
  let r;
  try {
    r = spawnSync(execPath, argv, {
      __proto__: null, cwd: WORK, input: c.stdin, encoding: 'utf8', timeout: remaining(), killSignal: 'SIGKILL', maxBuffer: 2 * MAX_BYTES,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  } catch (e) { return { ok: false, error: describeThrown(e) }; }
  const stderr = own(r, 'stderr'), error = own(r, 'error'), status = own(r, 'status');
  const stderrTail = typeof stderr === 'string' ? slice(stderr, -1500) : '';
  if (error) {
    const code = own(error, 'code');
    if (code === 'ETIMEDOUT') return failure('Timeout', 'the program did not finish in time');
    if (code === 'ENOBUFS') return failure('$unserializable', 'the program wrote more than 2 MiB');
    return failure('ExitCode', 'the program could not be run: ' + String_(own(error, 'message')));
  }
  if (status !== 0) {
    const how = status === null ? 'was killed by ' + String_(own(r, 'signal')) : 'exited with code ' + String_(status);
    return failure('ExitCode', 'the program ' + how + (stderrTail ? '\n' + stderrTail : ''));
  }
  return fromValue({ ok: true, value: own(r, 'stdout') });
}

// ---- the run ----
function readLine() { // one line from fd 0 (blocking pipe), without touching process.stdin
  const chunks = [];
  let n = 0;
  const buf = BufferAlloc(65536);
  const nap = new Int32Array_(new SharedArrayBuffer_(4));
  for (;;) {
    let got;
    try { got = readSync(0, buf, 0, buf.length, null); } catch (e) {
      if (e && e.code === 'EAGAIN') { AtomicsWait(nap, 0, 0, 5); continue; }
      if (e && e.code === 'EOF') got = 0; else throw e;
    }
    if (got === 0) break;
    const part = Buffer_.from(buf.subarray(0, got));
    chunks[n++] = part;
    if (part.indexOf(10) !== -1) break;
  }
  const text = apply(BufferToString, BufferConcat(chunks), ['utf8']);
  const nl = text.indexOf('\n');
  return nl === -1 ? text : slice(text, 0, nl);
}

// Fields are copied out of the parsed run before any learner code runs: later reads of a missing field could
// otherwise reach a getter that code put on Object.prototype.
const own = (o, k) => (o !== null && typeof o === 'object' && ObjectHasOwn(o, k) ? o[k] : undefined);
function normalize(raw) {
  const args = own(raw, 'args');
  const steps = own(raw, 'steps');
  const norm = { index: own(raw, 'index'), call: own(raw, 'call'), args: ArrayIsArray(args) ? args : [], steps: null, stdin: own(raw, 'stdin') };
  if (ArrayIsArray(steps)) {
    norm.steps = [];
    for (let i = 0; i < steps.length; i++) {
      const a = own(steps[i], 'args');
      norm.steps[i] = { method: own(steps[i], 'method'), args: ArrayIsArray(a) ? a : [] };
    }
  }
  return norm;
}

async function main() {
  send('{"type":"ready"}');
  const line = readLine();
  if (line.trim() === '') { exit(0); return; }
  const run = JSONParse(line);
  nonce = String_(own(run, 'nonce'));
  const timeoutMs = own(run, 'timeoutMs');
  deadline = DateNow() + (typeof timeoutMs === 'number' && timeoutMs > 0 ? timeoutMs : 5000);
  const files = own(run, 'files');
  solutionFiles = ArrayIsArray(files) ? files : null;
  const rawChecks = own(run, 'checks');
  const checks = [];
  if (ArrayIsArray(rawChecks)) for (let i = 0; i < rawChecks.length; i++) checks[i] = normalize(rawChecks[i]);

  // A learner's process.exit() would end every remaining check: during the checks it throws instead.
  process.exit = function exit() { throw new Error('process.exit() was called during a check'); };

  for (let i = 0; i < checks.length; i++) {
    const c = checks[i];
    const index = typeof c.index === 'number' ? String_(c.index) : String_(i);
    send('{"type":"check_started","index":' + index + '}');
    let r;
    try {
      if (typeof c.stdin === 'string') r = stdinCheck(c);
      else if (c.steps !== null) r = await stepsCheck(c);
      else r = await callCheck(c);
    } catch (e) { r = { ok: false, error: describeThrown(e) }; }
    if (r.ok) send('{"type":"check_result","index":' + index + ',"value":' + r.json + '}');
    else {
      const er = r.error;
      send('{"type":"check_result","index":' + index + ',"error":{"type":' + quote(er.type) + ',"types":' + er.typesJson +
        ',"message":' + quote(er.message) + '}}');
    }
  }
  send('{"type":"checks_done"}');
  exit(0);
}

register(LOADER_URL);
main().catch(() => exit(1));
