// What "Validate" shows: the reference solution's and the starter's runs, each test and hidden check, and whether each
// run came out as it must (the reference passes everything, the starter does not).
import { api } from '../../api.js';
import { h } from '../../ui.js';
import { VERDICTS } from '../../tests-panel.js';

const MARKS = { pass: '✔', fail: '✘', error: '⚠' };
const CHECK_STATUS = { pass: 'passed', fail: 'failed', error: 'not run' };

function runSection(id, name, run, expectPass) {
  const ok = (run.verdict === 'passed') === expectPass;
  const reasons = h('ul', { class: 'check-reasons' });
  const section = h('section', { class: 'trial-run', id, dataset: { verdict: run.verdict, ok: String(ok) }, 'aria-labelledby': `${id}-title` },
    h('h3', { id: `${id}-title` }, `${name}: ${VERDICTS[run.verdict] ?? run.verdict}`),
    h('p', { class: ok ? 'good' : 'bad' },
      ok ? (expectPass ? '✔ As it must: it passes every test and hidden check.' : '✔ As it must: learners have work to do.')
        : (expectPass ? '✘ It must pass every test and hidden check.' : '✘ It passes everything, so a learner would pass without doing anything.')),
    run.message && run.verdict !== 'passed' ? h('pre', { class: 'test-message' }, run.message) : null,
    h('ol', { class: 'test-list' },
      run.tests.map(t => h('li', { class: `test test-${t.status}`, dataset: { status: t.status, test: t.name } },
        h('span', { class: 'test-status', 'aria-hidden': 'true' }, MARKS[t.status] ?? t.status),
        h('span', { class: 'test-name' }, `${t.name}: ${t.status}`),
        t.message ? h('pre', { class: 'test-message' }, t.message) : null)),
      run.checks.map(c => h('li', { class: `test test-${c.status} check`, dataset: { status: c.status, check: c.number } },
        h('span', { class: 'test-status', 'aria-hidden': 'true' }, MARKS[c.status] ?? c.status),
        h('span', { class: 'test-name' }, `Hidden check ${c.number} of ${run.checks.length}: ${CHECK_STATUS[c.status] ?? c.status}${c.description ? ` — ${c.description}` : ''}`)))),
    reasons,
    h('p', { class: 'meta' }, `Run ${run.runId}`));
  return { section, reasons };
}

/** Why the reference's hidden checks failed: the run's check details, which only authors may read. */
async function explainChecks(run, reasons) {
  if (!run.checks.some(c => c.status !== 'pass')) return;
  try {
    const details = (await api(`/api/runs/${encodeURIComponent(run.runId)}`)).checkDetails ?? [];
    reasons.replaceChildren(...details.filter(d => d.status !== 'pass').map(d =>
      h('li', {}, `Hidden check ${d.number}: ${d.reason ?? d.error ?? d.status}`)));
  } catch { /* the verdicts above stand without the reasons */ }
}

export function trialPanel() {
  const status = h('p', { class: 'status', role: 'status' }, 'Validate runs the reference solution and the starter in the sandbox, as a save does, without saving.');
  const runs = h('div', { class: 'trial-runs' });
  const el = h('section', { class: 'card trial', id: 'trial', 'aria-labelledby': 'trial-title' },
    h('h2', { id: 'trial-title' }, 'Validation'), status, runs);
  return {
    el,
    running() {
      el.setAttribute('aria-busy', 'true');
      runs.replaceChildren();
      status.textContent = 'Running the reference solution and the starter in the sandbox…';
    },
    failed(message) {
      el.removeAttribute('aria-busy');
      status.textContent = message;
    },
    show(trial) {
      el.removeAttribute('aria-busy');
      const problems = Object.values(trial.problems).flat().length;
      status.textContent = problems ? `Not ready to publish: ${problems} ${problems === 1 ? 'problem' : 'problems'} (shown next to the fields).` : 'Ready to publish: the reference passes and the starter does not.';
      const reference = runSection('trial-reference', 'Reference solution', trial.reference, true);
      const starter = runSection('trial-starter', 'Starter', trial.starter, false);
      runs.replaceChildren(reference.section, starter.section);
      explainChecks(trial.reference, reference.reasons);
    },
  };
}
