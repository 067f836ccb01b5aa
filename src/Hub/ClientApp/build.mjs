// Bundles the browser client into ../wwwroot/dist (ignored by git). `npm run build`; `npm run watch` rebuilds on change.
// A build also writes Brotli (.br) and gzip (.gz) copies beside each compressible output, which the Hub sends to
// browsers that accept them (Features/WebClient/PrecompressedFiles.cs).
import * as esbuild from 'esbuild';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, extname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

const watch = process.argv.includes('--watch');
const common = {
  bundle: true,
  minify: !watch,
  sourcemap: true,
  target: ['chrome120', 'firefox120', 'safari17'],
  logLevel: 'warning',
  legalComments: 'none',
};

const app = {
  ...common,
  entryPoints: { app: 'src/main.js' },
  outdir: '../wwwroot/dist',
  format: 'esm',
  splitting: true, // Monaco loads each language's tokenizer on demand
  loader: { '.ttf': 'file' },
  assetNames: '[name]-[hash]',
  chunkNames: 'chunks/[name]-[hash]',
};

// Monaco's editor worker (diffing, word ranges, links): a separate classic script the app starts with `new Worker`.
const worker = {
  ...common,
  entryPoints: { 'editor.worker': 'monaco-editor/editor/editor.worker.js' },
  outdir: '../wwwroot/dist',
  format: 'iife',
};

// Text and fonts compress; images and archives would not. Source maps are fetched only by developer tools, and
// Brotli's best quality takes most of a minute on the editor's 10 MB map: they get a fast quality instead.
const compressible = new Set(['.js', '.css', '.map', '.svg', '.ttf', '.json', '.txt']);
const brotliQuality = file => (file.endsWith('.map') ? 5 : zlib.constants.BROTLI_MAX_QUALITY);
const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

const isFile = path => stat(path).then(s => s.isFile(), () => false);
const sameBytes = async (path, contents) => (await isFile(path)) && Buffer.compare(await readFile(path), contents) === 0;

/** Writes an output only when it changed, so that its compressed copies (made only then) stay current. */
async function writeOutput({ path, contents }) {
  const variants = [
    [`${path}.br`, () => brotli(contents, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: brotliQuality(path),
        [zlib.constants.BROTLI_PARAM_MODE]: extname(path) === '.ttf' ? zlib.constants.BROTLI_MODE_FONT : zlib.constants.BROTLI_MODE_TEXT,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: contents.length,
      },
    })],
    [`${path}.gz`, () => gzip(contents, { level: zlib.constants.Z_BEST_COMPRESSION })],
  ];
  const unchanged = await sameBytes(path, contents);
  if (!unchanged) {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, contents);
  }
  if (!compressible.has(extname(path))) return;
  for (const [variant, compress] of variants) {
    if (unchanged && await isFile(variant) && (await stat(variant)).mtimeMs >= (await stat(path)).mtimeMs) continue;
    const compressed = await compress();
    // A copy that is not smaller is not worth sending; the Hub then sends the file itself. A copy left from an
    // earlier build is older than the file, and the Hub ignores it.
    if (compressed.length < contents.length) await writeFile(variant, compressed);
  }
}

if (watch) {
  const contexts = await Promise.all([esbuild.context(app), esbuild.context(worker)]);
  await Promise.all(contexts.map(c => c.watch()));
  console.log('[client] watching src/');
} else {
  const results = await Promise.all([app, worker].map(options => esbuild.build({ ...options, write: false })));
  // Each compression runs on libuv's thread pool: the outputs are compressed side by side.
  const outputs = results.flatMap(r => r.outputFiles);
  await Promise.all(outputs.map(writeOutput));
  await prune(outputs.map(o => o.path));
}

/** Removes what earlier builds left in dist (chunks under old hashes, their compressed copies): only this build's
 * outputs and their copies stay, so the folder, and the images made from it, hold one build. */
async function prune(kept) {
  const keep = new Set(kept.flatMap(path => [path, `${path}.br`, `${path}.gz`]));
  const dist = resolve('../wwwroot/dist');
  const entries = await readdir(dist, { recursive: true, withFileTypes: true });
  await Promise.all(entries.filter(e => e.isFile()).map(e => join(e.parentPath, e.name))
    .filter(path => !keep.has(path)).map(path => rm(path)));
}
