// Module format per file, decided by its syntax: learners' files may be CommonJS or ES modules, mixed, and all
// end in .js with no package.json.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const esm = /(^|\n)\s*(import\s*[\w{*'"]|export\s+(default|const|let|var|function|class|async|\{|\*))/;

export async function load(url, context, next) {
  if (url.startsWith('file:///work/') && url.endsWith('.js')) {
    let source = '';
    try { source = readFileSync(fileURLToPath(url), 'utf8'); } catch { /* let node report it */ }
    if (esm.test(source)) return { format: 'module', source, shortCircuit: true };
    return { format: 'commonjs', shortCircuit: true };
  }
  return next(url, context);
}
