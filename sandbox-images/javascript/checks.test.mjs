// Standalone test of checks.js (the hidden-check worker): `node sandbox-images/javascript/checks.test.mjs`.
// Writes learner files to a temp dir, starts checks.js there with fd 3 as a pipe and a copy of loader.mjs that
// treats the temp dir as /work, sends one run line and checks every report. Exit code 0 = all passed.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

const here = dirname(fileURLToPath(import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'checks-js-'));
const work = join(root, 'work');
const sandbox = join(root, 'sandbox');
mkdirSync(work);
mkdirSync(sandbox);
writeFileSync(join(sandbox, 'loader.mjs'), readFileSync(join(here, 'loader.mjs'), 'utf8').replaceAll("'file:///work/'", JSON.stringify('file://' + work + '/')));

const files = {
  'greeting.js': `exports.greet = (name) => 'Hello, ' + name.trim() + '!';\n`,
  'esmnamed.js': `export function add(a, b) { return a + b; }\n`,
  'esmdefault.mjs': `export default { mul(a, b) { return a * b; } };\n`,
  'later.js': `module.exports = async function later(x) { await new Promise((r) => setTimeout(r, 20)); return x * 2; };\n`,
  'bank.js': `export class Account {
  constructor(b) { this.b = b; }
  deposit(x) { this.b += x; return this.b; }
  async balance() { return this.b; }
  fail() { throw new RangeError('nope'); }
}\n`,
  'sum.js': `let s = '';
process.stdin.on('data', (d) => { s += d; });
process.stdin.on('end', () => { const [a, b] = s.trim().split(/\\s+/).map(Number); if (require.main === module) console.log(a + b); });\n`,
  'product.js': `import { readFileSync } from 'node:fs';\nconst [a, b] = readFileSync(0, 'utf8').trim().split(' ').map(Number);\nconsole.log(a * b);\n`,
  'crash.js': `console.error('bad input'); process.exit(3);\n`,
  'throws.js': `exports.typeError = () => null.x;
exports.str = () => { throw 'boom'; };
exports.obj = () => { throw { code: 7 }; };
class MyError extends RangeError {}
exports.custom = () => { throw new MyError('custom ' + 'x'.repeat(3000)); };
exports.getterError = () => { const e = new Error('e'); Object.defineProperty(e, 'message', { get() { throw new Error('gotcha'); } }); throw e; };
exports.rejects = async () => { throw new TypeError('async bad'); };
exports.quit = () => process.exit(2);\n`,
  'values.js': `class Point { constructor() { this.x = 1; } }
exports.instance = () => new Point();
exports.nan = () => [NaN, Infinity, -Infinity, -0, 1.5, 2 ** 53];
exports.collections = () => ({ m: new Map().set('a', 1).set('b', new Set().add(1).add('x').add(null)), s: new Set() });
exports.badMap = () => new Map([[1, 2]]);
exports.fn = () => () => 1;
exports.sym = () => Symbol('s');
exports.date = () => new Date(0);
exports.getter = () => ({ get x() { return 1; } });
exports.deep = () => { let v = []; for (let i = 0; i < 100; i++) v = [v]; return v; };
exports.cycle = () => { const o = {}; o.self = o; return o; };
exports.huge = () => 'x'.repeat(2 * 1024 * 1024);
exports.big = () => [10n, 2n ** 64n];
exports.misc = () => ({ u: undefined, n: null, s: 'a"\\\\\\n\\u2028\\ud800', e: [], h: [1, , 3], t: true });
exports.proxy = () => new Proxy({}, {});
exports.nullProto = () => Object.assign(Object.create(null), { k: 1 });
exports.data = () => ({ list: [1, 2, 3], nested: { a: 'b' } });\n`,
  'patcher.js': `JSON.stringify = () => '"forged"';
Array.prototype.map = function () { return ['forged']; };
Object.prototype.toJSON = function () { return 'forged'; };
String.prototype.toJSON = function () { return 'forged'; };
Array.prototype[Symbol.iterator] = function* () { yield 'forged'; };
Object.defineProperty(Object.prototype, 'steps', { get() { return [{ method: 'x', args: [] }]; }, configurable: true });
Object.defineProperty(Object.prototype, 'get', { get() { return () => 'forged'; }, configurable: true });
Object.defineProperty(Object.prototype, 'done', { get() { return true; }, configurable: true });
exports.patch = () => 'patched';\n`,
  // Node's own module loading relies on Promise.prototype.then: after this, only modules already loaded can be called.
  'thenpatch.js': `Promise.prototype.then = function () { return this; };\nexports.patch = () => 'patched';\n`,
  'never.js': `exports.never = () => new Promise(() => {});\nexports.after = () => 'still running';\n`,
  'syntax.js': `exports.f = () => {;\n`,
};
for (const [name, content] of Object.entries(files)) writeFileSync(join(work, name), content);
writeFileSync(join(work, 'test_hidden.js'), `exports.secret = () => 'tests are not callable';\n`);

const checks = [
  ['greeting.greet', { args: ['  Ada '] }, { value: 'Hello, Ada!' }],
  ['esmnamed.add', { args: [2, 3] }, { value: 5 }],
  ['esmdefault.mul', { args: [4, 5] }, { value: 20 }],
  ['later.later', { args: [21] }, { value: 42 }],
  ['bank.Account', { args: [10], steps: [{ method: 'deposit', args: [5] }, { method: 'balance', args: [] }] }, { value: [15, 15] }],
  ['bank.Account', { args: [1], steps: [{ method: 'deposit', args: [1] }, { method: 'fail', args: [] }] }, { error: { type: 'RangeError', types: ['RangeError', 'Error'], message: 'nope' } }],
  ['bank.Account', { args: [1], steps: [{ method: 'nope', args: [] }] }, { errorType: 'NameNotFound' }],
  ['sum', { stdin: '3 4\n' }, { value: '7\n' }],
  ['product', { stdin: '6 7' }, { value: '42\n' }],
  ['crash', { stdin: '' }, { errorType: 'ExitCode', messageIncludes: 'bad input' }],
  ['throws.typeError', { args: [] }, { errorTypes: ['TypeError', 'Error'] }],
  ['throws.str', { args: [] }, { error: { type: 'Thrown', types: ['Thrown'], message: 'boom' } }],
  ['throws.obj', { args: [] }, { error: { type: 'Thrown', types: ['Thrown'], message: '{"code":7}' } }],
  ['throws.custom', { args: [] }, { errorTypes: ['MyError', 'RangeError', 'Error'], messageLength: 2000 }],
  ['throws.getterError', { args: [] }, { error: { type: 'Error', types: ['Error'], message: '' } }],
  ['throws.rejects', { args: [] }, { error: { type: 'TypeError', types: ['TypeError', 'Error'], message: 'async bad' } }],
  ['throws.quit', { args: [] }, { errorTypes: ['Error'], messageIncludes: 'process.exit' }],
  ['values.instance', { args: [] }, { error: { type: '$unserializable', types: ['$unserializable'], message: 'returned a Point' } }],
  ['values.nan', { args: [] }, { raw: '[{"$float":"nan"},{"$float":"inf"},{"$float":"-inf"},0,1.5,9007199254740992]' }],
  ['values.collections', { args: [] }, { raw: '{"m":{"a":1,"b":[1,"x",null]},"s":[]}' }],
  ['values.badMap', { args: [] }, { errorType: '$unserializable' }],
  ['values.fn', { args: [] }, { errorType: '$unserializable', messageIncludes: 'function' }],
  ['values.sym', { args: [] }, { errorType: '$unserializable', messageIncludes: 'symbol' }],
  ['values.date', { args: [] }, { errorType: '$unserializable', messageIncludes: 'Date' }],
  ['values.getter', { args: [] }, { errorType: '$unserializable', messageIncludes: 'getter' }],
  ['values.deep', { args: [] }, { errorType: '$unserializable', messageIncludes: 'deeper' }],
  ['values.cycle', { args: [] }, { errorType: '$unserializable', messageIncludes: 'deeper' }],
  ['values.huge', { args: [] }, { errorType: '$unserializable', messageIncludes: '1 MiB' }],
  ['values.big', { args: [] }, { errorType: '$unserializable', messageIncludes: 'bigint' }],
  ['values.misc', { args: [] }, { raw: '{"u":null,"n":null,"s":"a\\"\\\\\\n\u2028\\ud800","e":[],"h":[1,null,3],"t":true}' }],
  ['values.proxy', { args: [] }, { errorType: '$unserializable', messageIncludes: 'Proxy' }],
  ['values.nullProto', { args: [] }, { value: { k: 1 } }],
  ['missing.f', { args: [] }, { errorType: 'ModuleNotFound' }],
  ['greeting.nothing', { args: [] }, { errorType: 'NameNotFound' }],
  ['test_hidden.secret', { args: [] }, { errorType: 'ModuleNotFound' }],
  ['syntax.f', { args: [] }, { errorType: 'SyntaxError' }],
  ['never.never', { args: [] }, { errorType: 'NeverSettled' }],
  ['never.after', { args: [] }, { value: 'still running' }],
  ['patcher.patch', { args: [] }, { value: 'patched' }],
  ['values.data', { args: [] }, { raw: '{"list":[1,2,3],"nested":{"a":"b"}}' }],
  ['values.nan', { args: [] }, { raw: '[{"$float":"nan"},{"$float":"inf"},{"$float":"-inf"},0,1.5,9007199254740992]' }],
  ['values.collections', { args: [] }, { raw: '{"m":{"a":1,"b":[1,"x",null]},"s":[]}' }],
  ['greeting.greet', { args: ['  Bo '] }, { value: 'Hello, Bo!' }],
  ['throws.custom', { args: [] }, { errorTypes: ['MyError', 'RangeError', 'Error'] }],
  ['values.instance', { args: [] }, { error: { type: '$unserializable', types: ['$unserializable'], message: 'returned a Point' } }],
  ['sum', { stdin: '1 2' }, { value: '3\n' }],
  ['bank.Account', { args: [10], steps: [{ method: 'deposit', args: [5] }] }, { value: [15] }],
  ['thenpatch.patch', { args: [] }, { value: 'patched' }],
  ['values.data', { args: [] }, { raw: '{"list":[1,2,3],"nested":{"a":"b"}}' }],
  ['bank.Account', { args: [10], steps: [{ method: 'deposit', args: [5] }, { method: 'balance', args: [] }] }, { value: [15, 15] }],
  ['throws.rejects', { args: [] }, { error: { type: 'TypeError', types: ['TypeError', 'Error'], message: 'async bad' } }],
  ['esmdefault.mul', { args: [4, 5] }, { value: 20 }],
];

const nonce = 'ab'.repeat(16);
const TIMEOUT_MS = 8000;
const run = {
  nonce, timeoutMs: TIMEOUT_MS,
  files: Object.keys(files),
  checks: checks.map(([call, shape], index) => ({ index, call, ...shape })),
};

const t0 = process.hrtime.bigint();
const ms = () => Number(process.hrtime.bigint() - t0) / 1e6;
const child = spawn(process.execPath, ['--max-old-space-size=96', '--stack-size=900', join(here, 'checks.js')], {
  cwd: work, stdio: ['pipe', 'pipe', 'pipe', 'pipe'], env: { ...process.env, CHECKS_SANDBOX_DIR: sandbox },
});
let reports = '', output = '', readyMs = null, sentMs = null;
child.stdout.on('data', (d) => { output += d; });
child.stderr.on('data', (d) => { output += d; });
child.stdio[3].on('data', (d) => {
  reports += d;
  if (readyMs === null && reports.includes('\n')) {
    readyMs = ms();
    sentMs = ms();
    child.stdin.write(JSON.stringify(run) + '\n');
  }
});
const [code] = await new Promise((resolve) => child.on('close', (...a) => resolve(a)));
const totalMs = ms() - sentMs;
rmSync(root, { recursive: true, force: true });

let failed = 0;
const check = (name, fn) => {
  try { fn(); console.log('ok   ' + name); } catch (e) { failed++; console.log('FAIL ' + name + '\n     ' + String(e.message).split('\n').join('\n     ')); }
};

const lines = reports.split('\n');
check('exit code 0 and nothing after the last line', () => { assert.equal(code, 0, output); assert.equal(lines.pop(), ''); });
check('ready first, without nonce', () => assert.equal(lines.shift(), '{"type":"ready"}'));
check('every other line carries the nonce', () => { for (const l of lines) assert.ok(l.startsWith(nonce + ' '), l); });
const msgs = lines.map((l) => ({ raw: l.slice(nonce.length + 1), msg: JSON.parse(l.slice(nonce.length + 1)) }));
check('checks_done last', () => assert.deepEqual(msgs.pop().msg, { type: 'checks_done' }));
check('started/result pairs in order', () => {
  assert.equal(msgs.length, checks.length * 2);
  msgs.forEach(({ msg }, i) => {
    assert.equal(msg.index, Math.floor(i / 2));
    assert.equal(msg.type, i % 2 ? 'check_result' : 'check_started');
  });
});
checks.forEach(([call, shape, want], index) => {
  const got = msgs[index * 2 + 1];
  check(`#${index} ${call} ${JSON.stringify(shape.args ?? shape.stdin)}`, () => {
    assert.ok(got, 'no result');
    const { msg, raw } = got;
    if ('value' in want) assert.deepEqual(msg, { type: 'check_result', index, value: want.value });
    if ('raw' in want) assert.equal(raw, `{"type":"check_result","index":${index},"value":${want.raw}}`);
    if ('error' in want) assert.deepEqual(msg, { type: 'check_result', index, error: want.error });
    if ('errorType' in want || 'errorTypes' in want) {
      assert.ok(msg.error, JSON.stringify(msg));
      assert.deepEqual(Object.keys(msg.error), ['type', 'types', 'message']);
      if (want.errorType) assert.equal(msg.error.type, want.errorType);
      if (want.errorTypes) assert.deepEqual([msg.error.type, msg.error.types], [want.errorTypes[0], want.errorTypes]);
    }
    if (want.messageIncludes) assert.ok(msg.error.message.includes(want.messageIncludes), msg.error.message);
    if (want.messageLength) assert.equal(msg.error.message.length, want.messageLength);
  });
});
check('the never-settling promise is detected without waiting for the time limit', () => assert.ok(totalMs < TIMEOUT_MS / 2, `${totalMs} ms`));

console.log(`\nstartup to ready: ${readyMs.toFixed(0)} ms; run: ${totalMs.toFixed(0)} ms; node ${process.version}`);
if (failed) { console.log(`${failed} failed\n--- checks.js output ---\n${output}`); process.exit(1); }
console.log('all passed');
