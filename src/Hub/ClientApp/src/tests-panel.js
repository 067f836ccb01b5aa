// The test panel: fills in test by test from run events, then shows the verdict. Shared by learner and watcher.
import { h } from './ui.js';

export const VERDICTS = {
  passed: 'Passed', failed: 'Failed', compile_error: 'Compile error', timeout: 'Time limit exceeded',
  memory_limit: 'Memory limit exceeded', output_limit: 'Output limit exceeded', runtime_error: 'Runtime error',
  rejected: 'Rejected', internal_error: 'Internal error',
};

export function testsPanel() {
  const runs = new Map(); // runId -> state, so events that beat the Run call's answer are kept
  let active = null;
  const el = h('section', { class: 'tests', 'aria-labelledby': 'tests-title' });
  const title = h('h2', { id: 'tests-title' }, 'Tests');
  const status = h('p', { class: 'run-status', role: 'status', 'aria-live': 'polite' }, 'No run yet.');
  const list = h('ol', { class: 'test-list', id: 'test-list' });
  const verdict = h('p', { class: 'verdict', id: 'verdict', 'aria-live': 'polite' });
  const problem = h('div', { class: 'run-problem', id: 'run-problem', hidden: true });
  const output = h('pre', { class: 'output', hidden: true });
  el.append(title, status, verdict, problem, list, output);

  const stateOf = runId => {
    if (!runs.has(runId)) runs.set(runId, { phase: 'queued', names: [], tests: new Map(), checks: new Map(), result: null, output: '', diagnostics: [] });
    return runs.get(runId);
  };

  function render() {
    const s = active && runs.get(active.runId);
    list.replaceChildren();
    verdict.textContent = '';
    verdict.removeAttribute('data-verdict');
    output.hidden = true;
    problem.hidden = true;
    problem.replaceChildren();
    if (!active) return;
    const label = active.mode === 'submit' ? 'Submission' : 'Run';
    if (!s) { status.textContent = `${label} queued…`; return; }
    status.textContent = s.result ? `${label} finished.` : `${label} ${s.phase}…`;
    const names = [...s.names];
    for (const name of s.tests.keys()) if (!names.includes(name)) names.push(name);
    for (const name of names) {
      const t = s.tests.get(name);
      const st = t?.status ?? (s.running === name ? 'running' : 'pending');
      list.append(h('li', { class: `test test-${st}`, dataset: { status: st } },
        h('span', { class: 'test-status' }, { pass: '✔', fail: '✘', error: '⚠', running: '…', pending: '○' }[st] ?? st),
        h('span', { class: 'test-name' }, name),
        t?.message ? h('pre', { class: 'test-message' }, t.message) : null));
    }
    // Hidden checks: number, the author's description and pass/fail only — the server sends nothing more.
    const checks = [...s.checks.values()].sort((a, b) => a.number - b.number);
    const total = s.result?.checks?.length ?? checks.length;
    for (const c of checks) {
      list.append(h('li', { class: `test test-${c.status} check`, dataset: { status: c.status } },
        h('span', { class: 'test-status' }, { pass: '✔', fail: '✘', error: '⚠' }[c.status] ?? c.status),
        h('span', { class: 'test-name' }, `Hidden check ${c.number} of ${total}: ${{ pass: 'passed', fail: 'failed', error: 'not run' }[c.status] ?? c.status}`
          + (c.description ? ` — ${c.description}` : ''))));
    }
    for (const d of s.diagnostics) {
      list.append(h('li', { class: 'test test-error diag' }, `${d.file}:${d.line}:${d.column} ${d.code} ${d.message}`));
    }
    if (s.result) {
      const v = s.result.verdict;
      // A long message is a trace (a syntax or import error while loading the tests): its gist first, all of it folded.
      const long = s.result.message?.includes('\n') && v !== 'passed';
      const passed = s.result.tests.filter(t => t.status === 'pass').length;
      const checksPassed = checks.filter(c => c.status === 'pass').length;
      verdict.dataset.verdict = v;
      verdict.textContent = `${VERDICTS[v] ?? v} — ${passed}/${s.result.tests.length} tests passed`
        + (checks.length ? `, ${checksPassed}/${checks.length} hidden checks passed` : '')
        + (v === 'passed' && active.mode === 'submit' && !s.result.graded ? ' (self-checked: this exercise has no hidden checks)' : '')
        + (s.result.message && v !== 'passed' && !long ? ` (${s.result.message})` : '');
      if (long) {
        problem.hidden = false;
        problem.append(
          h('pre', { class: 'problem-summary' }, gist(s.result.message)),
          h('details', { class: 'problem-trace' }, h('summary', {}, 'Full error output'), h('pre', {}, s.result.message)));
      }
    }
    const out = s.output || s.result?.output;
    if (out) { output.hidden = false; output.textContent = out; }
  }

  return {
    el,
    /** A run was started (the answer of Run/Submit). */
    start(runId, mode) { active = { runId, mode }; if (runId) stateOf(runId); render(); },
    /** A RunEvent callback. */
    event(msg) {
      const e = JSON.parse(msg.eventJson);
      const isNew = !runs.has(msg.runId);
      const s = stateOf(msg.runId);
      // A run not seen before takes the panel: the learner's own run racing its Run answer, or a watcher's next run.
      if (!active?.runId || isNew) active = { runId: msg.runId, mode: active?.mode ?? 'run' };
      switch (e.type) {
        case 'accepted': s.phase = 'accepted'; break;
        case 'started': s.phase = 'running'; break;
        case 'compiled': s.phase = e.success ? 'running tests' : 'failed to compile'; s.names = e.tests ?? []; s.diagnostics = e.success ? [] : (e.diagnostics ?? []); break;
        case 'test_started': s.running = e.name; break;
        case 'test_finished': s.tests.set(e.test.name, e.test); break;
        case 'output': s.output += e.text; break;
        case 'check_finished': s.checks.set(e.check.number, e.check); break;
        case 'finished':
          s.result = e.result;
          for (const t of e.result.tests ?? []) s.tests.set(t.name, t);
          for (const c of e.result.checks ?? []) s.checks.set(c.number, c);
          if ((e.result.diagnostics ?? []).length) s.diagnostics = e.result.diagnostics.filter(d => d.severity === 'error');
          break;
      }
      if (active.runId === msg.runId) render();
    },
    /** The last run from a snapshot, when it finished before this view opened. */
    last(lastRun) {
      if (!lastRun?.resultJson) return;
      // A run started since (still pending or going) keeps the panel.
      if (active && active.runId !== lastRun.runId && !(active.runId && runs.get(active.runId)?.result)) return;
      const result = JSON.parse(lastRun.resultJson);
      const s = stateOf(lastRun.runId);
      s.result = result;
      for (const t of result.tests ?? []) s.tests.set(t.name, t);
      for (const c of result.checks ?? []) s.checks.set(c.number, c);
      active = { runId: lastRun.runId, mode: lastRun.mode };
      render();
    },
  };
}

/**
 * The part of an error trace a beginner reads first, in the language's own words: pytest's "E" lines (Python's
 * SyntaxError with its caret, an ImportError), else what comes before the first stack frame (Node's file:line, the
 * source line, the caret and the error).
 */
export function gist(text) {
  const lines = text.replace(/\r/g, '').split('\n');
  const last = [];
  for (let i = lines.length - 1; i >= 0; i--) {
    if (/^E( |$)/.test(lines[i])) last.unshift(lines[i].replace(/^E {0,3}/, ''));
    else if (last.length) break;
  }
  if (last.length) return last.join('\n');
  const frame = lines.findIndex(l => /^\s+at /.test(l));
  const head = (frame > 0 ? lines.slice(0, frame) : lines).join('\n').trim();
  return head.split('\n').slice(-8).join('\n');
}
