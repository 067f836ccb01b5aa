// Monaco, trimmed to the editor core and the three course languages; its worker is bundled separately.
import * as monaco from 'monaco-editor/editor/editor.api.js';
// Editor features (hover shows a squiggle's message; F8 goes to the next problem; Ctrl+M toggles Tab focus mode).
import 'monaco-editor/features/codicon/register.js';
import 'monaco-editor/features/hover/register.js';
import 'monaco-editor/features/gotoError/register.js';
import 'monaco-editor/features/find/register.js';
import 'monaco-editor/features/bracketMatching/register.js';
import 'monaco-editor/features/comment/register.js';
import 'monaco-editor/features/clipboard/register.js';
import 'monaco-editor/features/contextmenu/register.js';
import 'monaco-editor/features/folding/register.js';
import 'monaco-editor/features/linesOperations/register.js';
import 'monaco-editor/features/wordHighlighter/register.js';
import 'monaco-editor/features/wordOperations/register.js';
import 'monaco-editor/features/cursorUndo/register.js';
import 'monaco-editor/features/multicursor/register.js';
import 'monaco-editor/features/indentation/register.js';
import 'monaco-editor/features/toggleTabFocusMode/register.js';
import 'monaco-editor/features/readOnlyMessage/register.js';
import 'monaco-editor/features/gotoLine/register.js';
import 'monaco-editor/features/fontZoom/register.js';
import 'monaco-editor/languages/definitions/python/register.js';
import 'monaco-editor/languages/definitions/csharp/register.js';
import 'monaco-editor/languages/definitions/javascript/register.js';

self.MonacoEnvironment = {
  getWorker: () => new Worker('/dist/editor.worker.js', { name: 'editor' }),
};
// Tests read markers through this, and so can anyone debugging in the console.
window.monaco = monaco;

export { monaco };

// Monaco's theme is global: it follows the system's light or dark preference, as the page's colours do. The dark
// theme's comments are lightened to reach 4.5:1 contrast.
monaco.editor.defineTheme('lp-dark', { base: 'vs-dark', inherit: true, rules: [{ token: 'comment', foreground: '7fa86b' }], colors: {} });
const dark = matchMedia('(prefers-color-scheme: dark)');
const theme = () => (dark.matches ? 'lp-dark' : 'vs');
dark.addEventListener('change', () => monaco.editor.setTheme(theme()));

export function createEditor(host, { readOnly = false } = {}) {
  return monaco.editor.create(host, {
    readOnly,
    theme: theme(),
    automaticLayout: true,
    minimap: { enabled: false },
    fontSize: 14,
    scrollBeyondLastLine: false,
    tabSize: 4,
    renderValidationDecorations: 'on',
    ariaLabel: readOnly ? 'Learner code (read only)' : 'Code editor',
  });
}

/** Monaco IRange of a change given as offsets into the model's current text. */
export function rangeOf(model, offset, length) {
  const start = model.getPositionAt(offset);
  const end = model.getPositionAt(offset + length);
  return new monaco.Range(start.lineNumber, start.column, end.lineNumber, end.column);
}

/** Applies one recorded edit (changes all relative to the previous text) to a string. */
export function applyToText(text, changes) {
  const sorted = [...changes].sort((a, b) => b.rangeOffset - a.rangeOffset);
  for (const c of sorted) text = text.slice(0, c.rangeOffset) + c.text + text.slice(c.rangeOffset + c.rangeLength);
  return text;
}

/** Applies one recorded edit to a model (Monaco reads every range against the text before the edit). */
export function applyToModel(model, changes) {
  model.applyEdits(changes.map(c => ({ range: rangeOf(model, c.rangeOffset, c.rangeLength), text: c.text })));
}

export const languageOf = lang => ({ csharp: 'csharp', python: 'python', javascript: 'javascript' })[lang] ?? 'plaintext';
