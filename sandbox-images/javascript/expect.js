'use strict';
// A Jest-compatible `expect` and `jest.fn` covering the matchers exercises commonly use.
const util = require('node:util');

const fmt = (v) => util.inspect(v, { depth: 6, breakLength: 100, maxArrayLength: 50, maxStringLength: 2000 });

class AssertionError extends Error {
  constructor(message) { super(message); this.name = 'AssertionError'; this.matcherResult = true; }
}

function typeTag(v) { return Object.prototype.toString.call(v); }

function equals(a, b, strict, seen = new Map()) {
  if (Object.is(a, b)) return true;
  if (a && b && typeof a.asymmetricMatch === 'function') return a.asymmetricMatch(b);
  if (a && b && typeof b.asymmetricMatch === 'function') return b.asymmetricMatch(a);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return false;
  }
  if (typeTag(a) !== typeTag(b)) return false;
  if (strict && Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (seen.get(a) === b) return true;
  seen.set(a, b);
  if (a instanceof Date) return a.getTime() === b.getTime();
  if (a instanceof RegExp) return a.source === b.source && a.flags === b.flags;
  if (a instanceof Error) return a.message === b.message && a.name === b.name;
  if (a instanceof Map) {
    if (a.size !== b.size) return false;
    for (const [k, v] of a) if (!b.has(k) || !equals(v, b.get(k), strict, seen)) return false;
    return true;
  }
  if (a instanceof Set) {
    if (a.size !== b.size) return false;
    outer: for (const v of a) {
      if (b.has(v)) continue;
      for (const w of b) if (equals(v, w, strict, seen)) continue outer;
      return false;
    }
    return true;
  }
  if (Array.isArray(a)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) {
      if (strict && ((i in a) !== (i in b))) return false;
      if (!equals(a[i], b[i], strict, seen)) return false;
    }
    return true;
  }
  if (ArrayBuffer.isView(a)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
    return true;
  }
  const keys = (o) => Object.keys(o).filter((k) => strict || o[k] !== undefined);
  const ka = keys(a), kb = keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k) && !(strict === false && b[k] === undefined && a[k] === undefined)) return false;
    if (!equals(a[k], b[k], strict, seen)) return false;
  }
  return true;
}

function matchObject(actual, expected) {
  if (typeof expected !== 'object' || expected === null || typeof actual !== 'object' || actual === null) {
    return equals(expected, actual, false);
  }
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => matchObject(actual[i], e));
  }
  return Object.keys(expected).every((k) => k in Object(actual) && matchObject(actual[k], expected[k]));
}

function getPath(obj, path) {
  const parts = Array.isArray(path) ? path : String(path).replace(/\[(\w+)\]/g, '.$1').split('.').filter((p) => p !== '');
  let cur = obj;
  for (const p of parts) {
    if (cur === null || cur === undefined || !(p in Object(cur))) return { found: false };
    cur = cur[p];
  }
  return { found: true, value: cur };
}

const isMock = (f) => typeof f === 'function' && f._isMockFunction === true;

const matchers = {
  toBe: (r, e) => ({ pass: Object.is(r, e), msg: () => `Expected: ${fmt(e)}\nReceived: ${fmt(r)}`, hint: ' // Object.is equality' }),
  toEqual: (r, e) => ({ pass: equals(r, e, false), msg: () => `Expected: ${fmt(e)}\nReceived: ${fmt(r)}`, hint: ' // deep equality' }),
  toStrictEqual: (r, e) => ({ pass: equals(r, e, true), msg: () => `Expected: ${fmt(e)}\nReceived: ${fmt(r)}` }),
  toBeTruthy: (r) => ({ pass: !!r, msg: () => `Received: ${fmt(r)}` }),
  toBeFalsy: (r) => ({ pass: !r, msg: () => `Received: ${fmt(r)}` }),
  toBeNull: (r) => ({ pass: r === null, msg: () => `Received: ${fmt(r)}` }),
  toBeUndefined: (r) => ({ pass: r === undefined, msg: () => `Received: ${fmt(r)}` }),
  toBeDefined: (r) => ({ pass: r !== undefined, msg: () => `Received: ${fmt(r)}` }),
  toBeNaN: (r) => ({ pass: Number.isNaN(r), msg: () => `Received: ${fmt(r)}` }),
  toBeGreaterThan: (r, e) => ({ pass: r > e, msg: () => `Expected: > ${fmt(e)}\nReceived:   ${fmt(r)}` }),
  toBeGreaterThanOrEqual: (r, e) => ({ pass: r >= e, msg: () => `Expected: >= ${fmt(e)}\nReceived:    ${fmt(r)}` }),
  toBeLessThan: (r, e) => ({ pass: r < e, msg: () => `Expected: < ${fmt(e)}\nReceived:   ${fmt(r)}` }),
  toBeLessThanOrEqual: (r, e) => ({ pass: r <= e, msg: () => `Expected: <= ${fmt(e)}\nReceived:    ${fmt(r)}` }),
  toBeCloseTo: (r, e, digits = 2) => ({ pass: Math.abs(e - r) < Math.pow(10, -digits) / 2, msg: () => `Expected: ${fmt(e)} (precision ${digits})\nReceived: ${fmt(r)}` }),
  toBeInstanceOf: (r, e) => ({ pass: r instanceof e, msg: () => `Expected constructor: ${e && e.name}\nReceived: ${fmt(r)}` }),
  toContain: (r, e) => ({ pass: r != null && (typeof r === 'string' ? r.includes(e) : Array.from(r).some((x) => Object.is(x, e))), msg: () => `Expected to contain: ${fmt(e)}\nReceived: ${fmt(r)}` }),
  toContainEqual: (r, e) => ({ pass: r != null && Array.from(r).some((x) => equals(x, e, false)), msg: () => `Expected to contain equal: ${fmt(e)}\nReceived: ${fmt(r)}` }),
  toHaveLength: (r, e) => ({ pass: r != null && r.length === e, msg: () => `Expected length: ${e}\nReceived length: ${r == null ? r : r.length}` }),
  toHaveProperty: (r, path, ...v) => {
    const got = getPath(r, path);
    const pass = got.found && (v.length === 0 || equals(got.value, v[0], false));
    return { pass, msg: () => `Expected path: ${fmt(path)}${v.length ? `\nExpected value: ${fmt(v[0])}` : ''}\nReceived: ${got.found ? fmt(got.value) : 'path not found'}` };
  },
  toMatch: (r, e) => ({ pass: typeof r === 'string' && (e instanceof RegExp ? e.test(r) : r.includes(e)), msg: () => `Expected pattern: ${fmt(e)}\nReceived string: ${fmt(r)}` }),
  toMatchObject: (r, e) => ({ pass: matchObject(r, e), msg: () => `Expected: ${fmt(e)}\nReceived: ${fmt(r)}` }),
  toThrow: (r, e) => {
    if (typeof r !== 'function' && !(r && r.__thrown)) return { pass: false, msg: () => 'Received value must be a function' };
    let thrown = null, threw = false;
    if (r && r.__thrown) { threw = true; thrown = r.error; } else { try { r(); } catch (err) { threw = true; thrown = err; } }
    let pass = threw;
    if (threw && e !== undefined) {
      const m = thrown && thrown.message !== undefined ? thrown.message : String(thrown);
      if (typeof e === 'string') pass = m.includes(e);
      else if (e instanceof RegExp) pass = e.test(m);
      else if (typeof e === 'function') pass = thrown instanceof e;
      else if (e instanceof Error) pass = m === e.message;
      else pass = equals(thrown, e, false);
    }
    return { pass, msg: () => threw ? `Expected: ${fmt(e)}\nReceived error: ${fmt(thrown && thrown.message !== undefined ? thrown.message : thrown)}` : 'Received function did not throw' };
  },
  toHaveBeenCalled: (r) => ({ pass: isMock(r) && r.mock.calls.length > 0, msg: () => `Number of calls: ${isMock(r) ? r.mock.calls.length : 'not a mock'}` }),
  toHaveBeenCalledTimes: (r, n) => ({ pass: isMock(r) && r.mock.calls.length === n, msg: () => `Expected calls: ${n}\nReceived calls: ${isMock(r) ? r.mock.calls.length : 'not a mock'}` }),
  toHaveBeenCalledWith: (r, ...args) => ({ pass: isMock(r) && r.mock.calls.some((c) => equals(c, args, false)), msg: () => `Expected call: ${fmt(args)}\nReceived calls: ${isMock(r) ? fmt(r.mock.calls) : 'not a mock'}` }),
  toHaveBeenLastCalledWith: (r, ...args) => ({ pass: isMock(r) && r.mock.calls.length > 0 && equals(r.mock.calls[r.mock.calls.length - 1], args, false), msg: () => `Expected last call: ${fmt(args)}\nReceived calls: ${isMock(r) ? fmt(r.mock.calls) : 'not a mock'}` }),
  toHaveReturnedWith: (r, v) => ({ pass: isMock(r) && r.mock.results.some((x) => x.type === 'return' && equals(x.value, v, false)), msg: () => `Expected return: ${fmt(v)}` }),
};
matchers.toThrowError = matchers.toThrow;
matchers.toBeCalled = matchers.toHaveBeenCalled;
matchers.toBeCalledWith = matchers.toHaveBeenCalledWith;
matchers.toBeCalledTimes = matchers.toHaveBeenCalledTimes;

const state = { assertions: 0 };

const custom = {};

function makeExpect(received, flags) {
  const api = {};
  const all = { ...custom, ...matchers };
  for (const name of Object.keys(all)) {
    api[name] = (...args) => {
      state.assertions++;
      const check = (value) => {
        const res = all[name](value, ...args);
        if (res.pass === !!flags.not) {
          const head = `expect(received).${flags.not ? 'not.' : ''}${name}(${name.startsWith('toBe') && args.length === 0 ? '' : 'expected'})${res.hint || ''}`;
          const err = new AssertionError(`${head}\n\n${flags.not ? 'Expected: not as below\n' : ''}${res.msg()}`);
          Error.captureStackTrace(err, api[name]);
          throw err;
        }
      };
      if (flags.resolves || flags.rejects) {
        return Promise.resolve(received).then(
          (v) => { if (flags.rejects) throw new AssertionError(`Received promise resolved instead of rejected\nResolved to value: ${fmt(v)}`); check(v); },
          (err) => {
            if (flags.resolves) throw new AssertionError(`Received promise rejected instead of resolved\nRejected to value: ${fmt(err)}`);
            check(name.startsWith('toThrow') ? { __thrown: true, error: err } : err);
          });
      }
      check(received);
      return undefined;
    };
  }
  return api;
}

function expect(received) {
  const base = makeExpect(received, {});
  base.not = makeExpect(received, { not: true });
  base.resolves = makeExpect(received, { resolves: true });
  base.resolves.not = makeExpect(received, { resolves: true, not: true });
  base.rejects = makeExpect(received, { rejects: true });
  base.rejects.not = makeExpect(received, { rejects: true, not: true });
  return base;
}
const asym = (name, fn) => ({ asymmetricMatch: fn, toString: () => name, [util.inspect.custom]: () => name });
expect.anything = () => asym('Anything', (v) => v !== null && v !== undefined);
expect.any = (ctor) => asym(`Any<${ctor.name}>`, (v) => (ctor === Number ? typeof v === 'number' || v instanceof Number : ctor === String ? typeof v === 'string' || v instanceof String : ctor === Boolean ? typeof v === 'boolean' : ctor === Function ? typeof v === 'function' : v instanceof ctor));
expect.stringContaining = (s) => asym(`StringContaining ${fmt(s)}`, (v) => typeof v === 'string' && v.includes(s));
expect.stringMatching = (re) => asym(`StringMatching ${re}`, (v) => typeof v === 'string' && new RegExp(re).test(v));
expect.arrayContaining = (arr) => asym(`ArrayContaining ${fmt(arr)}`, (v) => Array.isArray(v) && arr.every((e) => v.some((x) => equals(e, x, false))));
expect.objectContaining = (obj) => asym(`ObjectContaining ${fmt(obj)}`, (v) => matchObject(v, obj));
expect.closeTo = (n, d = 2) => asym(`CloseTo ${n}`, (v) => Math.abs(n - v) < Math.pow(10, -d) / 2);
expect.assertions = (n) => { state.expected = n; };
expect.hasAssertions = () => { state.expected = -1; };
expect.extend = (more) => {
  for (const [name, fn] of Object.entries(more)) {
    if (name in matchers) continue; // built-in matchers cannot be replaced
    custom[name] = (r, ...a) => { const res = fn.call({ equals: (x, y) => equals(x, y, false), isNot: false }, r, ...a); return { pass: res.pass, msg: () => (typeof res.message === 'function' ? res.message() : String(res.message || '')) }; };
  }
};

function fn(impl) {
  let implementation = impl;
  const once = [];
  const mockFn = function (...args) {
    mockFn.mock.calls.push(args);
    mockFn.mock.instances.push(this);
    const f = once.length ? once.shift() : implementation;
    try {
      const value = f ? f.apply(this, args) : undefined;
      mockFn.mock.results.push({ type: 'return', value });
      return value;
    } catch (err) {
      mockFn.mock.results.push({ type: 'throw', value: err });
      throw err;
    }
  };
  mockFn._isMockFunction = true;
  mockFn.mock = { calls: [], instances: [], results: [] };
  mockFn.mockImplementation = (f) => { implementation = f; return mockFn; };
  mockFn.mockImplementationOnce = (f) => { once.push(f); return mockFn; };
  mockFn.mockReturnValue = (v) => mockFn.mockImplementation(() => v);
  mockFn.mockReturnValueOnce = (v) => mockFn.mockImplementationOnce(() => v);
  mockFn.mockResolvedValue = (v) => mockFn.mockImplementation(() => Promise.resolve(v));
  mockFn.mockRejectedValue = (v) => mockFn.mockImplementation(() => Promise.reject(v));
  mockFn.mockClear = () => { mockFn.mock.calls = []; mockFn.mock.instances = []; mockFn.mock.results = []; return mockFn; };
  mockFn.mockReset = () => { mockFn.mockClear(); implementation = undefined; once.length = 0; return mockFn; };
  return mockFn;
}
const jest = {
  fn,
  spyOn(obj, name) {
    const original = obj[name];
    const spy = fn(function (...a) { return original.apply(this, a); });
    spy.mockRestore = () => { obj[name] = original; };
    obj[name] = spy;
    return spy;
  },
  setTimeout() { return jest; },
};

Object.freeze(matchers);
Object.freeze(jest);
module.exports = Object.freeze({ expect, jest, state, AssertionError, fmt });
