'use strict';
// A Jest-compatible `expect` (matchers, asymmetric matchers, .not/.resolves/.rejects) and `jest` object (mock
// functions, spies, fake timers), with failure messages in Jest's form: values printed as pretty-format prints them
// and a line diff for objects and arrays.
const util = require('node:util');

const fmt = (v) => util.inspect(v, { depth: 6, breakLength: 100, maxArrayLength: 50, maxStringLength: 2000 });

class AssertionError extends Error {
  constructor(message) { super(message); this.name = 'AssertionError'; this.matcherResult = true; }
}

// ---- asymmetric matchers: only our own instances count (a value with an asymmetricMatch method does not) ----
const asymmetric = new WeakSet();
function asym(name, sample, match, printSample = true) {
  const m = {
    sample,
    asymmetricMatch: match,
    toString: () => name,
    toAsymmetricMatcher: () => (printSample ? `${name} ${pretty(sample)}` : name),
  };
  m[util.inspect.custom] = m.toAsymmetricMatcher;
  asymmetric.add(m);
  return Object.freeze(m);
}
const isAsym = (v) => v !== null && typeof v === 'object' && asymmetric.has(v);

// ---- printing, as pretty-format does: min (one line) for Expected/Received, indented for diffs ----
const ctorName = (v) => (v && typeof v.constructor === 'function' && v.constructor.name) || 'Object';
const tag = (v) => Object.prototype.toString.call(v);
const keysOf = (o) => [...Object.keys(o).sort(), ...Object.getOwnPropertySymbols(o).filter((s) => Object.prototype.propertyIsEnumerable.call(o, s))];

function pretty(value, { min = true, maxDepth = 10, maxItems = 50 } = {}) {
  const seen = [];
  const print = (v, indent, depth) => {
    if (v === null) return 'null';
    if (v === undefined) return 'undefined';
    switch (typeof v) {
      case 'boolean': return String(v);
      case 'number': return Object.is(v, -0) ? '-0' : String(v);
      case 'bigint': return `${v}n`;
      case 'string': return '"' + v.replace(/"|\\/g, '\\$&') + '"';
      case 'symbol': return v.toString();
      case 'function': return `[Function ${v.name || 'anonymous'}]`;
    }
    if (isAsym(v)) return v.toAsymmetricMatcher();
    const t = tag(v);
    if (t === '[object Date]') return Number.isNaN(v.getTime()) ? 'Date { NaN }' : v.toISOString();
    if (t === '[object RegExp]') return String(v);
    if (v instanceof Error) return `[${Error.prototype.toString.call(v)}]`;
    if (seen.includes(v)) return '[Circular]';
    const name = ctorName(v);
    if (depth > maxDepth) return `[${Array.isArray(v) ? 'Array' : name}]`;
    seen.push(v);
    const inner = indent + '  ';
    const list = (items, open, close) => {
      if (!items.length) return open + close;
      const shown = items.slice(0, maxItems).map((f) => f(inner));
      if (items.length > maxItems) shown.push('…');
      return min ? open + shown.join(', ') + close : `${open}\n${shown.map((x) => inner + x).join(',\n')},\n${indent}${close}`;
    };
    let out;
    if (Array.isArray(v) || ArrayBuffer.isView(v) || t === '[object Arguments]') {
      const prefix = min ? '' : `${t === '[object Arguments]' ? 'Arguments' : Array.isArray(v) ? 'Array' : name} `;
      out = prefix + list(Array.from(v, (x) => (ind) => print(x, ind, depth + 1)), '[', ']');
    } else if (t === '[object Map]') {
      out = 'Map ' + list([...v].map(([k, x]) => (ind) => `${print(k, ind, depth + 1)} => ${print(x, ind, depth + 1)}`), '{', '}');
    } else if (t === '[object Set]') {
      out = 'Set ' + list([...v].map((x) => (ind) => print(x, ind, depth + 1)), '{', '}');
    } else {
      const prefix = min ? '' : `${name} `;
      out = prefix + list(keysOf(v).map((k) => (ind) => `${print(typeof k === 'symbol' ? k : String(k), ind, depth + 1)}: ${print(v[k], ind, depth + 1)}`), '{', '}');
    }
    seen.pop();
    return out;
  };
  return print(value, '', 0);
}

// ---- a line diff (longest common subsequence), shown as Jest shows it: - Expected / + Received ----
const CONTEXT = 5;
function lineDiff(expectedText, receivedText) {
  const a = expectedText.split('\n'), b = receivedText.split('\n');
  if (a.length * b.length > 4e6) return null;
  const n = a.length, m = b.length;
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const ops = []; // [kind, text, indexA, indexB]
  let i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) { ops.push([' ', a[i], i++, j++]); }
    else if (j >= m || (i < n && lcs[i + 1][j] >= lcs[i][j + 1])) ops.push(['-', a[i], i++, j]);
    else ops.push(['+', b[j], i, j++]);
  }
  const removed = ops.filter((o) => o[0] === '-').length, added = ops.filter((o) => o[0] === '+').length;
  const keep = ops.map((o, k) => o[0] !== ' ' || ops.slice(Math.max(0, k - CONTEXT), k + CONTEXT + 1).some((x) => x[0] !== ' '));
  const lines = [];
  const hunks = keep.some((x) => !x);
  for (let k = 0; k < ops.length; k++) {
    if (!keep[k]) continue;
    if (hunks && (k === 0 || !keep[k - 1])) {
      let end = k;
      while (end < ops.length && keep[end]) end++;
      const part = ops.slice(k, end);
      const countA = part.filter((o) => o[0] !== '+').length, countB = part.filter((o) => o[0] !== '-').length;
      lines.push(`@@ -${ops[k][2] + 1},${countA} +${ops[k][3] + 1},${countB} @@`);
    }
    const [kind, text] = ops[k];
    lines.push((kind + ' ' + text).replace(/\s+$/, ''));
  }
  const w = String(Math.max(removed, added)).length;
  return `- Expected  - ${String(removed).padStart(w)}\n+ Received  + ${String(added).padStart(w)}\n\n${lines.join('\n')}`;
}

const typeName = (v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : tag(v) === '[object RegExp]' ? 'regexp' : tag(v) === '[object Date]' ? 'date'
  : tag(v) === '[object Map]' ? 'map' : tag(v) === '[object Set]' ? 'set' : typeof v);
function lineDiffable(expected, received) {
  const t = typeName(expected);
  if (t !== typeName(received)) return false;
  if (typeof expected === 'string') return expected.length > 0 && received.length > 0 && (expected.includes('\n') || received.includes('\n'));
  if (expected === null || typeof expected !== 'object' || t === 'date' || t === 'regexp') return false;
  if (expected instanceof Error && received instanceof Error) return false;
  return !isAsym(received) && !isAsym(expected);
}
function diffOrStringify(expected, received) {
  if (lineDiffable(expected, received)) {
    const e = typeof expected === 'string' ? expected : pretty(expected, { min: false });
    const r = typeof received === 'string' ? received : pretty(received, { min: false });
    const d = e !== r && lineDiff(e, r);
    if (d) return d;
  }
  const e = pretty(expected), r = pretty(received);
  return `Expected: ${e}\nReceived: ${e === r ? 'serializes to the same string' : r}`;
}
// Labels padded to one width: "Expected length: 3" / "Received length: 2" / "Received array:  [1, 2]".
const labeller = (...labels) => {
  const w = Math.max(...labels.map((l) => l.length));
  return (label) => `${label}: ${' '.repeat(w - label.length)}`;
};

// ---- equality, as Jest's equals(): toEqual ignores undefined properties and sparseness; toStrictEqual does not ----
const hasProp = (o, k) => o !== null && o !== undefined && (Object.prototype.hasOwnProperty.call(o, k) || hasProp(Object.getPrototypeOf(Object(o)), k));
const isObjectWithKeys = (v) => v !== null && typeof v === 'object' && !(v instanceof Error) && !Array.isArray(v) && !(v instanceof Date);

function equals(a, b, opts = {}, seenA = [], seenB = []) {
  if (isAsym(a) && !isAsym(b)) return !!a.asymmetricMatch(b);
  if (isAsym(b) && !isAsym(a)) return !!b.asymmetricMatch(a);
  if (opts.subset && isObjectWithKeys(b) && a !== null && a !== undefined) {
    // toMatchObject: every property of the expected object matches (recursively as a subset)
    if (seenB.includes(b)) return true;
    return keysOf(b).every((k) => hasProp(a, k) && equals(a[k], b[k], opts, [...seenA, a], [...seenB, b]));
  }
  if (a instanceof Error && b instanceof Error) return a.message === b.message && a.name === b.name;
  if (Object.is(a, b)) return true;
  const ta = tag(a);
  if (ta !== tag(b)) return false;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  switch (ta) {
    case '[object Boolean]': case '[object String]': case '[object Number]': return Object.is(a.valueOf(), b.valueOf());
    case '[object Date]': return Object.is(a.getTime(), b.getTime());
    case '[object RegExp]': return a.source === b.source && a.flags === b.flags;
  }
  if (opts.strict && a.constructor !== b.constructor && !(Array.isArray(a) && Array.isArray(b))) return false;
  const i = seenA.indexOf(a);
  if (i >= 0) return seenB[i] === b;
  seenA = [...seenA, a]; seenB = [...seenB, b];
  const eq = (x, y) => equals(x, y, opts, seenA, seenB);
  if (ta === '[object Map]') {
    if (a.size !== b.size) return false;
    for (const [k, v] of a) {
      if (b.has(k)) { if (!eq(v, b.get(k))) return false; continue; }
      if (![...b].some(([k2, v2]) => eq(k, k2) && eq(v, v2))) return false;
    }
    return true;
  }
  if (ta === '[object Set]') {
    if (a.size !== b.size) return false;
    for (const v of a) if (!b.has(v) && ![...b].some((w) => eq(v, w))) return false;
    return true;
  }
  if (Array.isArray(a) || ArrayBuffer.isView(a)) {
    if (a.length !== b.length) return false;
    for (let k = 0; k < a.length; k++) {
      if (opts.strict && ((k in a) !== (k in b))) return false;
      if (!eq(a[k], b[k])) return false;
    }
    if (!Array.isArray(a)) return true;
  }
  const own = (o) => keysOf(o).filter((k) => !(Array.isArray(o) && /^\d+$/.test(String(k))) && (opts.strict || o[k] !== undefined));
  const ka = own(a), kb = own(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && eq(a[k], b[k]));
}

// The part of `object` that `subset` talks about, so a toMatchObject diff shows only what matters.
function subsetOf(object, subset, seen = new WeakMap()) {
  if (Array.isArray(object)) {
    return Array.isArray(subset) && subset.length === object.length ? subset.map((s, i) => subsetOf(object[i], s, seen)) : object;
  }
  if (object instanceof Date || !isObjectWithKeys(object) || !isObjectWithKeys(subset)) return object;
  if (equals(object, subset, { subset: true })) return subset;
  const trimmed = {};
  seen.set(object, trimmed);
  for (const k of keysOf(object).filter((key) => hasProp(subset, key))) {
    trimmed[k] = seen.has(object[k]) ? seen.get(object[k]) : subsetOf(object[k], subset[k], seen);
  }
  return keysOf(trimmed).length > 0 ? trimmed : object;
}

// ---- matchers: (received, ...args) with this = { isNot, promise, hint(...) } -> { pass, message() } ----
class MatcherError extends AssertionError {}
function matcherError(ctx, text, label, value, args) {
  const shown = value === null || value === undefined ? `${label} has value: ${pretty(value)}`
    : `${label} has type:  ${typeName(value)}\n${label} has value: ${pretty(value)}`;
  return new MatcherError(`${ctx.hint(args)}\n\nMatcher error: ${text}\n\n${shown}`);
}
const ensureNumber = (ctx, v, who, args) => {
  if (typeof v !== 'number' && typeof v !== 'bigint') throw matcherError(ctx, `${who} value must be a number or bigint`, who === 'received' ? 'Received' : 'Expected', v, args);
};
const not = (ctx) => (ctx.isNot ? 'not ' : '');
const pad = (ctx) => (ctx.isNot ? '    ' : '');

function compare(op, test) {
  return function (received, expected) {
    ensureNumber(this, received, 'received');
    ensureNumber(this, expected, 'expected');
    return {
      pass: test(received, expected),
      message: () => `${this.hint()}\n\nExpected:${this.isNot ? ' not' : ''} ${op} ${pretty(expected)}\nReceived:${pad(this)} ${' '.repeat(op.length)}${pretty(received)}`,
    };
  };
}
const simple = (test) => function (received) {
  return { pass: test(received), message: () => `${this.hint([])}\n\nReceived: ${pretty(received)}` };
};

function toBe(received, expected) {
  const pass = Object.is(received, expected);
  return {
    pass,
    message: () => {
      if (this.isNot) return `${this.hint()}\n\nExpected: not ${pretty(expected)}`;
      const deep = typeName(expected) === typeName(received) && (typeName(expected) === 'object' || typeName(expected) === 'array')
        && equals(received, expected) ? (equals(received, expected, { strict: true }) ? 'toStrictEqual' : 'toEqual') : null;
      return `${this.hint()}\n\n${deep ? `If it should pass with deep equality, replace "toBe" with "${deep}"\n\n` : ''}${diffOrStringify(expected, received)}`;
    },
  };
}
function equality(strict) {
  return function (received, expected) {
    const pass = equals(received, expected, { strict });
    return {
      pass,
      message: () => (this.isNot
        ? `${this.hint()}\n\nExpected: not ${pretty(expected)}` + (pretty(expected) !== pretty(received) ? `\nReceived:     ${pretty(received)}` : '')
        : `${this.hint()}\n\n${diffOrStringify(expected, received)}`),
    };
  };
}

function toBeCloseTo(received, expected, precision = 2) {
  const args = arguments.length > 2 ? ['expected', 'precision'] : undefined;
  if (typeof received !== 'number') throw matcherError(this, 'received value must be a number', 'Received', received, args);
  if (typeof expected !== 'number') throw matcherError(this, 'expected value must be a number', 'Expected', expected, args);
  const allowed = Math.pow(10, -precision) / 2;
  const diff = Math.abs(expected - received);
  const pass = (received === Infinity && expected === Infinity) || (received === -Infinity && expected === -Infinity) || diff < allowed;
  const label = labeller('Expected precision', 'Expected difference', 'Received difference');
  return {
    pass,
    message: () => `${this.hint(args)}\n\nExpected: ${not(this)}${pretty(expected)}\nReceived: ${pad(this)}${pretty(received)}\n\n`
      + `${label('Expected precision')}${pad(this)}${precision}\n${label('Expected difference')}${not(this)}< ${allowed}\n${label('Received difference')}${pad(this)}${diff}`,
  };
}

function toBeInstanceOf(received, expected) {
  if (typeof expected !== 'function') throw matcherError(this, 'expected value must be a function', 'Expected', expected);
  const pass = received instanceof expected;
  const proto = received === null || received === undefined ? null : Object.getPrototypeOf(Object(received));
  const got = proto === null ? `Received value has no prototype\nReceived value: ${pretty(received)}`
    : `Received constructor: ${pad(this)}${ctorName(Object(received))}`;
  return { pass, message: () => `${this.hint()}\n\nExpected constructor: ${not(this)}${expected.name || 'anonymous'}\n${got}` };
}

function toContain(received, expected) {
  if (received === null || received === undefined) throw matcherError(this, 'received value must not be null nor undefined', 'Received', received);
  if (typeof received === 'string') {
    if (typeof expected !== 'string') throw matcherError(this, 'expected value must be a string if received value is a string', 'Expected', expected);
    const label = labeller('Expected substring', 'Received string');
    return { pass: received.includes(expected), message: () => `${this.hint()}\n\n${label('Expected substring')}${not(this)}${pretty(expected)}\n${label('Received string')}${pad(this)}${pretty(received)}` };
  }
  if (typeof received[Symbol.iterator] !== 'function') throw matcherError(this, 'received value must not be null nor undefined, and must be a string or iterable', 'Received', received);
  const items = Array.from(received);
  const pass = items.indexOf(expected) !== -1;
  const label = labeller('Expected value', `Received ${typeName(received)}`);
  return {
    pass,
    message: () => `${this.hint()}\n\n${label('Expected value')}${not(this)}${pretty(expected)}\n${label(`Received ${typeName(received)}`)}${pad(this)}${pretty(received)}`
      + (!pass && items.some((x) => equals(x, expected)) ? '\n\nLooks like you wanted to test for object/array equality with the stricter `toContain` matcher. You probably need to use `toContainEqual` instead.' : ''),
  };
}
function toContainEqual(received, expected) {
  if (received === null || received === undefined || typeof received[Symbol.iterator] !== 'function') throw matcherError(this, 'received value must not be null nor undefined, and must be iterable', 'Received', received);
  const pass = Array.from(received).some((x) => equals(x, expected));
  const label = labeller('Expected value', `Received ${typeName(received)}`);
  return { pass, message: () => `${this.hint()}\n\n${label('Expected value')}${not(this)}${pretty(expected)}\n${label(`Received ${typeName(received)}`)}${pad(this)}${pretty(received)}` };
}
function toHaveLength(received, expected) {
  if (received === null || received === undefined || typeof received.length !== 'number') throw matcherError(this, 'received value must have a length property whose value must be a number', 'Received', received);
  if (typeof expected !== 'number' || !Number.isInteger(expected) || expected < 0) throw matcherError(this, 'expected value must be a non-negative integer', 'Expected', expected);
  const label = labeller('Expected length', 'Received length', `Received ${typeName(received)}`);
  return {
    pass: received.length === expected,
    message: () => `${this.hint()}\n\n${label('Expected length')}${not(this)}${expected}\n` + (this.isNot ? '' : `${label('Received length')}${received.length}\n`)
      + `${label(`Received ${typeName(received)}`)}${pad(this)}${pretty(received)}`,
  };
}
function toMatch(received, expected) {
  if (typeof received !== 'string') throw matcherError(this, 'received value must be a string', 'Received', received);
  const isRe = tag(expected) === '[object RegExp]';
  if (typeof expected !== 'string' && !isRe) throw matcherError(this, 'expected value must be a string or regular expression', 'Expected', expected);
  const pass = isRe ? new RegExp(expected).test(received) : received.includes(expected);
  const what = isRe ? 'Expected pattern' : 'Expected substring';
  const label = labeller(what, 'Received string');
  return { pass, message: () => `${this.hint()}\n\n${label(what)}${not(this)}${pretty(expected)}\n${label('Received string')}${pad(this)}${pretty(received)}` };
}
function toMatchObject(received, expected) {
  if (received === null || typeof received !== 'object') throw matcherError(this, 'received value must be a non-null object', 'Received', received);
  if (expected === null || typeof expected !== 'object') throw matcherError(this, 'expected value must be a non-null object', 'Expected', expected);
  const pass = equals(received, expected, { subset: true });
  return {
    pass,
    message: () => (this.isNot
      ? `${this.hint()}\n\nExpected: not ${pretty(expected)}` + (pretty(expected) !== pretty(received) ? `\nReceived:     ${pretty(received)}` : '')
      : `${this.hint()}\n\n${diffOrStringify(expected, subsetOf(received, expected))}`),
  };
}
function toHaveProperty(received, path, ...value) {
  const args = value.length ? ['path', 'value'] : ['path'];
  if (received === null || received === undefined) throw matcherError(this, 'received value must not be null nor undefined', 'Received', received, args);
  const isArray = Array.isArray(path);
  if (!isArray && typeof path !== 'string') throw matcherError(this, 'expected path must be a string or array', 'Expected', path, args);
  const parts = isArray ? path.map(String) : path.replace(/\[([^\]]*)\]/g, '.$1').split('.').filter((p, i, all) => p !== '' || all.length === 1);
  if (!parts.length) throw matcherError(this, 'expected path must not be an empty array', 'Expected', path, args);
  let cur = received, depth = 0;
  for (const p of parts) {
    if (cur === null || cur === undefined || !hasProp(cur, p)) break;
    cur = cur[p];
    depth++;
  }
  const complete = depth === parts.length;
  const pass = complete && (value.length === 0 || equals(cur, value[0]));
  const traversed = isArray ? parts.slice(0, depth) : parts.slice(0, depth).join('.');
  return {
    pass,
    message: () => {
      const head = `${this.hint(args)}\n\nExpected path: ${not(this)}${pretty(path)}\n`;
      if (this.isNot) return head + (value.length ? `\nExpected value: not ${pretty(value[0])}` : `\nReceived value: ${pretty(cur)}`);
      if (!complete) return head + `Received path: ${pretty(traversed)}\n\n` + (value.length ? `Expected value: ${pretty(value[0])}\n` : '') + `Received value: ${pretty(cur)}`;
      return head + '\n' + diffOrStringify(value[0], cur).replace(/^Expected: /, 'Expected value: ').replace(/\nReceived: /, '\nReceived value: ');
    },
  };
}

// toThrow: the thrown value (or a promise's rejection, with .rejects) against nothing, a class, a substring, a
// pattern, an error (its message), an object with a message, or an asymmetric matcher.
function thrownOf(value) {
  const hasMessage = value !== null && value !== undefined && typeof value.message === 'string';
  return { value, hasMessage, message: hasMessage ? value.message : String(value), isError: value instanceof Error };
}
function stackOf(thrown) {
  if (!thrown.isError || typeof thrown.value.stack !== 'string') return '';
  const frames = thrown.value.stack.split('\n').filter((l) => /^\s+at /.test(l) && l.includes('/work/')).slice(0, 5);
  return frames.length ? '\n' + frames.map((f) => '      ' + f.trim()).join('\n') : '';
}
function toThrow(received, expected) {
  const args = arguments.length > 1 ? undefined : [];
  let thrown = null;
  if (this.promise === 'rejects') thrown = thrownOf(received);
  else if (typeof received !== 'function') {
    throw matcherError(this, 'received value must be a function', 'Received', received, args);
  } else {
    try { received(); } catch (e) { thrown = thrownOf(e); }
  }
  const did = 'Received function did not throw';
  const hint = this.hint(args);
  if (expected === undefined) {
    return {
      pass: thrown !== null,
      message: () => (thrown === null ? `${hint}\n\n${did}`
        : `${hint}\n\n` + (thrown.hasMessage ? `Error name:    ${pretty(thrown.value.name)}\nError message: ${pretty(thrown.message)}${stackOf(thrown)}` : `Thrown value: ${pretty(thrown.value)}`)),
    };
  }
  let pass, what, shown;
  if (isAsym(expected)) {
    pass = thrown !== null && !!expected.asymmetricMatch(thrown.value);
    what = 'Expected asymmetric matcher'; shown = pretty(expected);
  } else if (typeof expected === 'function') {
    pass = thrown !== null && thrown.value instanceof expected;
    what = 'Expected constructor'; shown = expected.name || 'anonymous';
  } else if (typeof expected === 'string') {
    pass = thrown !== null && thrown.message.includes(expected);
    what = 'Expected substring'; shown = pretty(expected);
  } else if (tag(expected) === '[object RegExp]') {
    pass = thrown !== null && new RegExp(expected).test(thrown.message);
    what = 'Expected pattern'; shown = pretty(expected);
  } else if (expected !== null && typeof expected === 'object' && typeof expected.message === 'string') {
    pass = thrown !== null && thrown.message === expected.message;
    what = 'Expected message'; shown = pretty(expected.message);
  } else {
    throw matcherError(this, 'expected value must be a string or regular expression or class or error', 'Expected', expected);
  }
  return {
    pass,
    message: () => {
      const head = `${hint}\n\n`;
      if (thrown === null) return `${head}${what}: ${shown}\n\n${did}`;
      const receivedLabel = thrown.hasMessage ? 'Received message' : 'Received value';
      const received = (thrown.hasMessage ? pretty(thrown.message) + stackOf(thrown) : pretty(thrown.value));
      if (what !== 'Expected constructor') {
        const label = labeller(what + (this.isNot ? ' not' : ''), receivedLabel);
        return `${head}${label(what)}${not(this)}${shown}\n${label(receivedLabel)}${pad(this)}${received}`;
      }
      const label = labeller(what, 'Received constructor');
      const ctor = thrown.value !== null && thrown.value !== undefined && !this.isNot ? `${label('Received constructor')}${ctorName(Object(thrown.value))}\n` : '';
      return `${head}${label(what)}${not(this)}${shown}\n${ctor}\n${receivedLabel}: ${received}`;
    },
  };
}

// ---- mock matchers ----
const isMock = (f) => typeof f === 'function' && mocks.has(f);
const printArgs = (args) => args.map((a) => pretty(a)).join(', ');
function mockMatcher(check) {
  return function (received, ...args) {
    if (!isMock(received)) throw matcherError(this, 'received value must be a mock or spy function', 'Received', received);
    return check.call(this, received, received.mock, ...args);
  };
}
const callList = (calls, print = printArgs) => calls.map((c, i) => `${String(i + 1).padStart(8)}: ${print(c)}`).join('\n');
const returns = (mock) => mock.results.filter((r) => r.type === 'return').map((r) => r.value);

const matchers = {
  toBe,
  toEqual: equality(false),
  toStrictEqual: equality(true),
  toBeTruthy: simple((r) => !!r),
  toBeFalsy: simple((r) => !r),
  toBeNull: simple((r) => r === null),
  toBeUndefined: simple((r) => r === undefined),
  toBeDefined: simple((r) => r !== undefined),
  toBeNaN: simple((r) => Number.isNaN(r)),
  toBeGreaterThan: compare('>', (r, e) => r > e),
  toBeGreaterThanOrEqual: compare('>=', (r, e) => r >= e),
  toBeLessThan: compare('<', (r, e) => r < e),
  toBeLessThanOrEqual: compare('<=', (r, e) => r <= e),
  toBeCloseTo,
  toBeInstanceOf,
  toContain,
  toContainEqual,
  toHaveLength,
  toHaveProperty,
  toMatch,
  toMatchObject,
  toThrow,
  toHaveBeenCalled: mockMatcher(function (fn, mock) {
    const n = mock.calls.length;
    return {
      pass: n > 0,
      message: () => (this.isNot ? `${this.hint()}\n\nExpected number of calls: 0\nReceived number of calls: ${n}\n\n${callList(mock.calls)}`
        : `${this.hint()}\n\nExpected number of calls: >= 1\nReceived number of calls:    0`),
    };
  }),
  toHaveBeenCalledTimes: mockMatcher(function (fn, mock, expected) {
    const n = mock.calls.length;
    return { pass: n === expected, message: () => `${this.hint()}\n\nExpected number of calls: ${not(this)}${expected}\nReceived number of calls: ${pad(this)}${n}` };
  }),
  toHaveBeenCalledWith: mockMatcher(function (fn, mock, ...expected) {
    const pass = mock.calls.some((c) => equals(c, expected));
    const received = mock.calls.length === 1 ? `Received: ${printArgs(mock.calls[0])}` : mock.calls.length ? `Received\n${callList(mock.calls)}` : '';
    return {
      pass,
      message: () => `${this.hint()}\n\nExpected: ${not(this)}${printArgs(expected)}\n${received}${received ? '\n' : ''}\nNumber of calls: ${mock.calls.length}`,
    };
  }),
  toHaveBeenLastCalledWith: mockMatcher(function (fn, mock, ...expected) {
    const last = mock.calls[mock.calls.length - 1];
    return {
      pass: last !== undefined && equals(last, expected),
      message: () => `${this.hint()}\n\nExpected: ${not(this)}${printArgs(expected)}\n${last ? `Received: ${pad(this)}${printArgs(last)}\n` : ''}\nNumber of calls: ${mock.calls.length}`,
    };
  }),
  toHaveBeenNthCalledWith: mockMatcher(function (fn, mock, nth, ...expected) {
    if (!Number.isInteger(nth) || nth < 1) throw matcherError(this, 'n must be a positive integer', 'n', nth, ['n', 'expected']);
    const call = mock.calls[nth - 1];
    return {
      pass: call !== undefined && equals(call, expected),
      message: () => `${this.hint(['n', 'expected'])}\n\nn: ${nth}\nExpected: ${not(this)}${printArgs(expected)}\n${call ? `Received: ${pad(this)}${printArgs(call)}\n` : ''}\nNumber of calls: ${mock.calls.length}`,
    };
  }),
  toHaveReturned: mockMatcher(function (fn, mock) {
    const n = returns(mock).length;
    return {
      pass: n > 0,
      message: () => (this.isNot ? `${this.hint()}\n\nExpected number of returns: 0\nReceived number of returns: ${n}`
        : `${this.hint()}\n\nExpected number of returns: >= 1\nReceived number of returns:    0`) + `\nReceived number of calls:   ${this.isNot ? '' : '   '}${mock.calls.length}`,
    };
  }),
  toHaveReturnedTimes: mockMatcher(function (fn, mock, expected) {
    const n = returns(mock).length;
    return { pass: n === expected, message: () => `${this.hint()}\n\nExpected number of returns: ${not(this)}${expected}\nReceived number of returns: ${pad(this)}${n}` };
  }),
  toHaveReturnedWith: mockMatcher(function (fn, mock, expected) {
    const values = returns(mock);
    return {
      pass: values.some((v) => equals(v, expected)),
      message: () => `${this.hint()}\n\nExpected: ${not(this)}${pretty(expected)}\n${values.length ? `Received\n${callList(values, (v) => pretty(v))}\n` : ''}\nNumber of returns: ${values.length}`,
    };
  }),
  toHaveLastReturnedWith: mockMatcher(function (fn, mock, expected) {
    const last = mock.results[mock.results.length - 1];
    const ok = last !== undefined && last.type === 'return';
    return {
      pass: ok && equals(last.value, expected),
      message: () => `${this.hint()}\n\nExpected: ${not(this)}${pretty(expected)}\n${ok ? `Received: ${pad(this)}${pretty(last.value)}\n` : ''}\nNumber of returns: ${returns(mock).length}`,
    };
  }),
  toHaveNthReturnedWith: mockMatcher(function (fn, mock, nth, expected) {
    if (!Number.isInteger(nth) || nth < 1) throw matcherError(this, 'n must be a positive integer', 'n', nth, ['n', 'expected']);
    const r = mock.results[nth - 1];
    const ok = r !== undefined && r.type === 'return';
    return {
      pass: ok && equals(r.value, expected),
      message: () => `${this.hint(['n', 'expected'])}\n\nn: ${nth}\nExpected: ${not(this)}${pretty(expected)}\n${ok ? `Received: ${pad(this)}${pretty(r.value)}\n` : ''}\nNumber of returns: ${returns(mock).length}`,
    };
  }),
};
const aliases = {
  toThrowError: 'toThrow', toBeCalled: 'toHaveBeenCalled', toBeCalledTimes: 'toHaveBeenCalledTimes', toBeCalledWith: 'toHaveBeenCalledWith',
  lastCalledWith: 'toHaveBeenLastCalledWith', nthCalledWith: 'toHaveBeenNthCalledWith', toReturn: 'toHaveReturned',
  toReturnTimes: 'toHaveReturnedTimes', toReturnWith: 'toHaveReturnedWith', lastReturnedWith: 'toHaveLastReturnedWith',
  nthReturnedWith: 'toHaveNthReturnedWith',
};
for (const [alias, name] of Object.entries(aliases)) matchers[alias] = matchers[name];

// Matchers whose hint shows no expected argument: expect(received).toBeNull().
const NO_EXPECTED = new Set(['toBeTruthy', 'toBeFalsy', 'toBeNull', 'toBeUndefined', 'toBeDefined', 'toBeNaN', 'toHaveBeenCalled', 'toBeCalled',
  'toHaveReturned', 'toReturn']);
const COMMENTS = { toBe: ' // Object.is equality', toEqual: ' // deep equality', toStrictEqual: ' // deep equality', toContainEqual: ' // deep equality', toContain: ' // indexOf' };

const state = { assertions: 0, expected: undefined, timeout: 5000 };
const custom = {};

function makeExpect(received, flags) {
  const api = {};
  const all = { ...custom, ...matchers };
  for (const name of Object.keys(all)) {
    api[name] = function (...args) {
      state.assertions++;
      // Where the assertion is, for a failure found later (.resolves/.rejects).
      const site = {};
      Error.captureStackTrace(site, api[name]);
      const ctx = {
        isNot: !!flags.not,
        promise: flags.promise || '',
        equals: (a, b) => equals(a, b),
        utils: { printReceived: pretty, printExpected: pretty, stringify: pretty, diff: lineDiff },
        hint(shown) {
          const list = shown || (NO_EXPECTED.has(name) ? [] : ['expected']);
          const who = !isMock(received) || flags.promise ? 'received' : received.getMockName();
          return `expect(${who})${flags.promise ? '.' + flags.promise : ''}${flags.not ? '.not' : ''}.${name}(${list.join(', ')})${COMMENTS[name] || ''}`;
        },
      };
      ctx.utils.matcherHint = (matcher, rec = 'received', exp = 'expected') => `expect(${rec}).${matcher}(${exp})`;
      const fail = (message, async, Kind = AssertionError) => {
        const err = new Kind(message);
        if (async) err.stack = message + '\n' + site.stack.split('\n').slice(1).join('\n');
        else Error.captureStackTrace(err, api[name]);
        return err;
      };
      const judge = (res, async) => {
        if (!!res.pass === ctx.isNot) throw fail(typeof res.message === 'function' ? res.message() : String(res.message || ''), async);
      };
      const check = (value, async) => {
        let res;
        try { res = all[name].call(ctx, value, ...args); } catch (e) {
          if (e instanceof MatcherError) throw fail(e.message, async, MatcherError);
          throw e;
        }
        if (res && typeof res.then === 'function') return res.then((r) => judge(r, true));
        return judge(res, async);
      };
      if (!flags.promise) return check(received, false);
      const promise = typeof received === 'function' ? received() : received;
      if (!promise || typeof promise.then !== 'function') {
        throw matcherError(ctx, 'received value must be a promise or a function returning a promise', 'Received', received, []);
      }
      return Promise.resolve(promise).then(
        (v) => {
          if (flags.promise === 'rejects') throw fail(`${ctx.hint([])}\n\nReceived promise resolved instead of rejected\nResolved to value: ${pretty(v)}`, true);
          return check(v, true);
        },
        (err) => {
          if (flags.promise === 'resolves') throw fail(`${ctx.hint([])}\n\nReceived promise rejected instead of resolved\nRejected to value: ${pretty(err)}`, true);
          return check(err, true);
        });
    };
  }
  return api;
}

function expect(received, ...extra) {
  if (extra.length) throw new Error('Expect takes at most one argument.');
  const base = makeExpect(received, {});
  base.not = makeExpect(received, { not: true });
  base.resolves = makeExpect(received, { promise: 'resolves' });
  base.resolves.not = makeExpect(received, { promise: 'resolves', not: true });
  base.rejects = makeExpect(received, { promise: 'rejects' });
  base.rejects.not = makeExpect(received, { promise: 'rejects', not: true });
  return base;
}

// ---- asymmetric matchers (expect.any(Number), expect.objectContaining({...}), ... and their expect.not forms) ----
const fnName = (f) => (typeof f === 'function' && f.name) || 'anonymous';
function anyOf(ctor) {
  if (ctor === undefined) throw new TypeError('any() expects to be passed a constructor function. Please pass one or use anything() to match any object.');
  return asym(`Any<${fnName(ctor)}>`, ctor, (v) => {
    if (ctor === String) return typeof v === 'string' || v instanceof String;
    if (ctor === Number) return typeof v === 'number' || v instanceof Number;
    if (ctor === Function) return typeof v === 'function' || v instanceof Function;
    if (ctor === Boolean) return typeof v === 'boolean' || v instanceof Boolean;
    if (ctor === BigInt) return typeof v === 'bigint' || v instanceof BigInt;
    if (ctor === Symbol) return typeof v === 'symbol' || v instanceof Symbol;
    if (ctor === Object) return typeof v === 'object';
    return v instanceof ctor;
  }, false);
}
function containing(inverse) {
  const name = (n) => (inverse ? n.replace(/(Containing|Matching)$/, 'Not$1') : n);
  const flip = (b) => (inverse ? !b : b);
  return {
    arrayContaining(sample) {
      if (!Array.isArray(sample)) throw new Error(`You must provide an array to ${name('ArrayContaining')}, not '${typeof sample}'.`);
      return asym(name('ArrayContaining'), sample, (v) => flip(sample.length === 0 || (Array.isArray(v) && sample.every((e) => v.some((x) => equals(e, x))))));
    },
    objectContaining(sample) {
      if (sample === null || typeof sample !== 'object') throw new Error(`You must provide an object to ${name('ObjectContaining')}, not '${typeof sample}'.`);
      return asym(name('ObjectContaining'), sample, (v) => flip(keysOf(sample).every((k) => hasProp(v, k) && equals(sample[k], v[k]))));
    },
    stringContaining(sample) {
      if (typeof sample !== 'string') throw new Error('Expected is not a string');
      return asym(name('StringContaining'), sample, (v) => flip(typeof v === 'string' && v.includes(sample)));
    },
    stringMatching(sample) {
      if (typeof sample !== 'string' && tag(sample) !== '[object RegExp]') throw new Error('Expected is not a String or a RegExp');
      const re = new RegExp(sample);
      return asym(name('StringMatching'), re, (v) => flip(typeof v === 'string' && re.test(v)));
    },
    closeTo(sample, precision = 2) {
      if (typeof sample !== 'number') throw new Error('Expected is not a Number');
      return asym(inverse ? 'NumberNotCloseTo' : 'NumberCloseTo', sample, (v) => flip(typeof v === 'number'
        && ((v === Infinity && sample === Infinity) || (v === -Infinity && sample === -Infinity) || Math.abs(sample - v) < Math.pow(10, -precision) / 2)));
    },
  };
}
expect.anything = () => asym('Anything', undefined, (v) => v !== null && v !== undefined, false);
expect.any = anyOf;
Object.assign(expect, containing(false));
expect.not = containing(true);
expect.assertions = (n) => { state.expected = n; };
expect.hasAssertions = () => { state.expected = -1; };
expect.extend = (more) => {
  for (const [name, fn] of Object.entries(more)) {
    if (name in matchers || typeof fn !== 'function') continue; // built-in matchers cannot be replaced
    custom[name] = fn;
  }
};

// ---- jest: mock functions, spies, fake timers ----
const mocks = new WeakSet();
const allMocks = [];
const restorers = [];

function fn(impl) {
  let implementation = impl;
  let name = 'jest.fn()';
  const once = [];
  const mockFn = function (...args) {
    mockFn.mock.calls.push(args);
    mockFn.mock.contexts.push(this);
    mockFn.mock.instances.push(this);
    mockFn.mock.lastCall = args;
    const f = once.length ? once.shift() : implementation;
    const result = { type: 'incomplete', value: undefined };
    mockFn.mock.results.push(result);
    try {
      const value = f ? (new.target ? Reflect.construct(f, args, new.target) : f.apply(this, args)) : undefined;
      result.type = 'return'; result.value = value;
      return value;
    } catch (err) {
      result.type = 'throw'; result.value = err;
      throw err;
    }
  };
  mocks.add(mockFn);
  allMocks.push(mockFn);
  const fresh = () => ({ calls: [], instances: [], contexts: [], results: [], lastCall: undefined });
  mockFn._isMockFunction = true;
  mockFn.mock = fresh();
  mockFn.getMockName = () => name;
  mockFn.mockName = (n) => { name = String(n); return mockFn; };
  mockFn.getMockImplementation = () => implementation;
  mockFn.mockImplementation = (f) => { implementation = f; return mockFn; };
  mockFn.mockImplementationOnce = (f) => { once.push(f); return mockFn; };
  mockFn.mockReturnThis = () => mockFn.mockImplementation(function () { return this; });
  mockFn.mockReturnValue = (v) => mockFn.mockImplementation(() => v);
  mockFn.mockReturnValueOnce = (v) => mockFn.mockImplementationOnce(() => v);
  mockFn.mockResolvedValue = (v) => mockFn.mockImplementation(() => Promise.resolve(v));
  mockFn.mockResolvedValueOnce = (v) => mockFn.mockImplementationOnce(() => Promise.resolve(v));
  mockFn.mockRejectedValue = (v) => mockFn.mockImplementation(() => Promise.reject(v));
  mockFn.mockRejectedValueOnce = (v) => mockFn.mockImplementationOnce(() => Promise.reject(v));
  mockFn.mockClear = () => { mockFn.mock = fresh(); return mockFn; };
  mockFn.mockReset = () => { mockFn.mockClear(); implementation = undefined; once.length = 0; return mockFn; };
  mockFn.mockRestore = () => mockFn.mockReset();
  return mockFn;
}

function spyOn(object, method, accessType) {
  if (object === null || (typeof object !== 'object' && typeof object !== 'function')) {
    throw new Error(`Cannot use spyOn on a primitive value; ${pretty(object)} given`);
  }
  if (accessType === 'get' || accessType === 'set') {
    let owner = object;
    while (owner && !Object.getOwnPropertyDescriptor(owner, method)) owner = Object.getPrototypeOf(owner);
    const desc = owner && Object.getOwnPropertyDescriptor(owner, method);
    if (!desc || typeof desc[accessType] !== 'function') throw new Error(`Property \`${String(method)}\` does not have access type ${accessType}`);
    const spy = fn(desc[accessType]);
    Object.defineProperty(object, method, { ...desc, [accessType]: spy, configurable: true });
    const restore = () => { if (owner === object) Object.defineProperty(object, method, desc); else delete object[method]; };
    spy.mockRestore = () => { spy.mockReset(); restore(); };
    restorers.push(restore);
    return spy;
  }
  const original = object[method];
  if (isMock(original)) return original;
  if (typeof original !== 'function') {
    throw new Error(`Cannot spy on the \`${String(method)}\` property because it is not a function; ${typeName(original)} given instead.`);
  }
  const own = Object.prototype.hasOwnProperty.call(object, method);
  const spy = fn(function (...a) { return new.target ? Reflect.construct(original, a, new.target) : original.apply(this, a); });
  const restore = () => { if (own) object[method] = original; else delete object[method]; };
  spy.mockRestore = () => { spy.mockReset(); restore(); };
  object[method] = spy;
  restorers.push(restore);
  return spy;
}

// Fake timers: setTimeout/setInterval/setImmediate and Date run on a clock that only the test moves.
const timers = (() => {
  const real = {};
  const NAMES = ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'Date'];
  let installed = null; // the fakes, while installed
  let now = 0, nextId = 1;
  let queue = [];
  const add = (callback, delay, args, interval) => {
    if (typeof callback !== 'function') throw new TypeError('The "callback" argument must be of type function');
    const id = nextId++;
    const ms = Math.max(0, Number(delay) || 0);
    queue.push({ id, at: now + ms, callback, args, interval: interval ? Math.max(1, ms) : 0 });
    return { id, ref() { return this; }, unref() { return this; }, hasRef: () => true, refresh() { return this; }, [Symbol.toPrimitive]: () => id };
  };
  const clear = (t) => { const id = t && typeof t === 'object' ? t.id : Number(t); queue = queue.filter((x) => x.id !== id); };
  const runNext = (limit) => {
    let first = null;
    for (const t of queue) if (t.at <= limit && (!first || t.at < first.at || (t.at === first.at && t.id < first.id))) first = t;
    if (!first) return false;
    now = Math.max(now, first.at);
    if (first.interval) first.at += first.interval; else queue = queue.filter((x) => x !== first);
    first.callback(...first.args);
    return true;
  };
  const LIMIT = 100000;
  const api = {
    install(at) {
      if (!installed) {
        for (const n of NAMES) real[n] = globalThis[n];
        const RealDate = real.Date;
        class FakeDate extends RealDate {
          constructor(...a) { if (a.length) super(...a); else super(now); }
          static now() { return now; }
        }
        installed = {
          setTimeout: (cb, ms, ...args) => add(cb, ms, args, false),
          setInterval: (cb, ms, ...args) => add(cb, ms, args, true),
          setImmediate: (cb, ...args) => add(cb, 0, args, false),
          clearTimeout: clear, clearInterval: clear, clearImmediate: clear,
          Date: FakeDate,
        };
        now = at === undefined ? RealDate.now() : Number(at);
        queue = [];
      } else if (at !== undefined) now = Number(at);
      for (const n of NAMES) globalThis[n] = installed[n];
    },
    restore() {
      if (!installed) return;
      for (const n of NAMES) if (globalThis[n] === installed[n]) globalThis[n] = real[n];
      installed = null;
      queue = [];
    },
    check() { if (!installed) throw new Error('A function to advance timers was called but the timers APIs are not replaced with fake timers. Call `jest.useFakeTimers()` in this test file.'); },
    advance(ms) {
      api.check();
      const target = now + Math.max(0, Number(ms) || 0);
      for (let i = 0; i < LIMIT && runNext(target); i++);
      now = target;
    },
    runAll() {
      api.check();
      for (let i = 0; queue.length; i++) {
        if (i >= LIMIT) throw new Error(`Aborting after running ${LIMIT} timers, assuming an infinite loop!`);
        runNext(Infinity);
      }
    },
    runPending() {
      api.check();
      const pending = new Set(queue.map((t) => t.id));
      const end = Math.max(now, ...queue.map((t) => t.at));
      for (let i = 0; i < LIMIT; i++) {
        const due = queue.filter((t) => pending.has(t.id));
        if (!due.length) break;
        const first = due.reduce((x, y) => (y.at < x.at || (y.at === x.at && y.id < x.id) ? y : x));
        pending.delete(first.id);
        now = Math.max(now, first.at);
        if (first.interval) first.at += first.interval; else queue = queue.filter((x) => x !== first);
        first.callback(...first.args);
      }
      now = Math.max(now, end);
    },
    count: () => queue.length,
    clearAll: () => { queue = []; },
    now: () => (installed ? now : Date.now()),
    setNow(t) { if (installed) now = t instanceof Date ? t.getTime() : Number(t); },
  };
  return api;
})();

const jest = {
  fn,
  spyOn,
  isMockFunction: isMock,
  clearAllMocks() { for (const m of allMocks) m.mockClear(); return jest; },
  resetAllMocks() { for (const m of allMocks) m.mockReset(); return jest; },
  restoreAllMocks() { while (restorers.length) restorers.pop()(); return jest; },
  setTimeout(ms) { state.timeout = Number(ms) > 0 ? Number(ms) : state.timeout; return jest; },
  useFakeTimers(config) { timers.install(config && config.now !== undefined ? (config.now instanceof Date ? config.now.getTime() : config.now) : undefined); return jest; },
  useRealTimers() { timers.restore(); return jest; },
  advanceTimersByTime(ms) { timers.advance(ms); },
  runAllTimers() { timers.runAll(); },
  runOnlyPendingTimers() { timers.runPending(); },
  clearAllTimers() { timers.clearAll(); },
  getTimerCount: () => timers.count(),
  now: () => timers.now(),
  setSystemTime(t) { timers.setNow(t === undefined ? Date.now() : t); },
};

Object.freeze(matchers);
Object.freeze(expect.not);
Object.freeze(jest);
module.exports = Object.freeze({ expect, jest, state, timers, AssertionError, fmt, pretty });
