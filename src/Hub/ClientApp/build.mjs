// Bundles the browser client into ../wwwroot/dist (ignored by git). `npm run build`; `npm run watch` rebuilds on change.
import * as esbuild from 'esbuild';

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

if (watch) {
  const contexts = await Promise.all([esbuild.context(app), esbuild.context(worker)]);
  await Promise.all(contexts.map(c => c.watch()));
  console.log('[client] watching src/');
} else {
  await Promise.all([esbuild.build(app), esbuild.build(worker)]);
}
