// Module hooks for learners' files under /work: CommonJS or ES modules, mixed, all ending in .js with no
// package.json, resolved the way Jest (through babel) resolves course test files:
// - '@jest/globals' is the harness's own read-only test API (the globals worker.js defines);
// - a relative specifier without extension, or naming a folder, finds X.js, X.mjs, X.cjs or X/index.*;
// - the format of a file is decided by its syntax; a CommonJS file imported from an ES module is loaded by require()
//   and exports, besides its default (module.exports), every name its importers ask for and the names it assigns,
//   so `import { a } from './cjs'` never fails to link (a missing name is undefined, as with babel).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const WORK = 'file:///work/';
const esm = /(^|\n)\s*(import\s*[\w{*'"]|export\s+(default|const|let|var|function|class|async|\{|\*))/;
const EXTENSIONS = ['.js', '.mjs', '.cjs'];
const API = ['describe', 'fdescribe', 'xdescribe', 'test', 'it', 'fit', 'xit', 'xtest', 'expect', 'jest',
  'beforeAll', 'afterAll', 'beforeEach', 'afterEach'];
// Read from the frozen, non-writable globals when the importing test file is evaluated.
const GLOBALS_URL = 'data:text/javascript,' + encodeURIComponent(`export const { ${API.join(', ')} } = globalThis;\n`);

const isFile = (p) => { try { return statSync(p).isFile(); } catch { return false; } };
const isDir = (p) => { try { return statSync(p).isDirectory(); } catch { return false; } };

function complete(file) { // null when the file exists as named (node resolves it) or nothing matches
  if (isFile(file)) return null;
  for (const ext of EXTENSIONS) if (isFile(file + ext)) return file + ext;
  if (isDir(file)) for (const ext of EXTENSIONS) if (isFile(file + '/index' + ext)) return file + '/index' + ext;
  return null;
}

export async function resolve(specifier, context, next) {
  if (specifier === '@jest/globals') return { url: GLOBALS_URL, format: 'module', shortCircuit: true };
  const parent = context.parentURL;
  if (parent && parent.startsWith(WORK) && /^\.{1,2}(\/|$)/.test(specifier) && !/[?#]/.test(specifier)) {
    const file = complete(fileURLToPath(new URL(specifier, parent)));
    if (file) return { url: pathToFileURL(file).href, format: format(file), shortCircuit: true };
  }
  return next(specifier, context);
}

function format(file) {
  if (file.endsWith('.mjs')) return 'module';
  if (file.endsWith('.cjs')) return 'commonjs';
  try { return esm.test(readFileSync(file, 'utf8')) ? 'module' : 'commonjs'; } catch { return 'commonjs'; }
}

export async function load(url, context, next) {
  if (!url.startsWith(WORK) || !/\.c?js$/.test(url)) return next(url, context);
  const file = fileURLToPath(url);
  let source = '';
  try { source = readFileSync(file, 'utf8'); } catch { return next(url, context); }
  if (url.endsWith('.js') && esm.test(source)) return { format: 'module', source, shortCircuit: true };
  const names = [...new Set([...assignedNames(source), ...importedNames()])].filter((n) => n !== 'default');
  const lines = [
    "import { createRequire } from 'node:module';",
    `const m = createRequire(${JSON.stringify(url)})(${JSON.stringify(file)});`,
    'export default m;',
    ...names.map((n, i) => `const e${i} = m == null ? undefined : m[${JSON.stringify(n)}];\nexport { e${i} as ${n} };`),
  ];
  return { format: 'module', source: lines.join('\n') + '\n', shortCircuit: true };
}

const IDENT = /^[A-Za-z_$][\w$]*$/;

// Names a CommonJS file assigns: exports.x = / module.exports.x = / the keys of module.exports = { ... }.
function assignedNames(source) {
  const names = [];
  for (const m of source.matchAll(/\b(?:module\.)?exports\s*(?:\.\s*([A-Za-z_$][\w$]*)|\[\s*['"]([^'"]+)['"]\s*\])\s*=[^=]/g)) names.push(m[1] || m[2]);
  for (const m of source.matchAll(/\bmodule\.exports\s*=\s*\{/g)) names.push(...objectKeys(source, m.index + m[0].length));
  return names.filter((n) => IDENT.test(n));
}

// Top-level keys of the object literal whose body starts at i: `a,`, `a: ...`, `a() {}`, `async a()`, `'a': ...`.
// Strings, template literals and comments are skipped; nested brackets only change the depth.
function objectKeys(s, i) {
  const keys = [];
  let depth = 1, expectKey = true;
  while (i < s.length && depth > 0) {
    const c = s[i];
    if (c === '/' && s[i + 1] === '/') { i = s.indexOf('\n', i); if (i < 0) break; continue; }
    if (c === '/' && s[i + 1] === '*') { i = s.indexOf('*/', i + 2); if (i < 0) break; i += 2; continue; }
    if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < s.length && s[j] !== c) j += s[j] === '\\' ? 2 : 1;
      if (depth === 1 && expectKey && c !== '`') { keys.push(s.slice(i + 1, j)); expectKey = false; }
      i = j + 1;
      continue;
    }
    if ('{[('.includes(c)) { depth++; expectKey = false; i++; continue; }
    if ('}])'.includes(c)) { depth--; i++; continue; }
    if (depth === 1 && c === ',') { expectKey = true; i++; continue; }
    if (depth === 1 && expectKey && /[A-Za-z_$]/.test(c)) {
      const word = /^[A-Za-z_$][\w$]*/.exec(s.slice(i))[0];
      i += word.length;
      const rest = s.slice(i).trimStart();
      if (/^(async|get|set|static)$/.test(word) && /^[A-Za-z_$*]/.test(rest)) continue; // a modifier: the key follows
      keys.push(word);
      expectKey = false;
      continue;
    }
    i++;
  }
  return keys;
}

// Every name that an ES module under /work imports (or re-exports) by name from a relative specifier.
function importedNames() {
  const names = [];
  for (const file of workFiles(fileURLToPath(WORK).replace(/\/$/, ''), 0)) {
    let source;
    try { source = readFileSync(file, 'utf8'); } catch { continue; }
    if (!esm.test(source)) continue;
    for (const m of source.matchAll(/\b(?:import|export)\s*(?:[\w$]+\s*,\s*)?\{([^}]*)\}\s*from\s*['"]\.{1,2}[/'"]/g)) {
      for (const part of m[1].split(',')) {
        const name = part.trim().split(/\s+as\s+/)[0].trim();
        if (IDENT.test(name)) names.push(name);
      }
    }
  }
  return names;
}

function workFiles(dir, depth) {
  const out = [];
  let entries = [];
  try { entries = readdirSync(dir, { withFileTypes: true }); } catch { return out; }
  for (const e of entries) {
    const p = dir + '/' + e.name;
    if (e.isDirectory() && depth < 4 && e.name !== 'node_modules') out.push(...workFiles(p, depth + 1));
    else if (e.isFile() && /\.(c?js|mjs)$/.test(e.name)) out.push(p);
  }
  return out;
}
