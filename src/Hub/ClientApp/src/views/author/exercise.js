// The exercise editor: instructions in Markdown with a live preview, files, hidden checks, hints, limits and concepts;
// Validate tries the reference and the starter in the sandbox; Publish/Save stores it (the server tries them again).
import { api } from '../../api.js';
import { h, link, navigate } from '../../ui.js';
import { renderMarkdown } from '../../markdown.js';
import { field, group, formErrors, showFailure, conflictNotice, input, textarea, takeFlash, setFlash, LANGUAGES } from './form.js';
import { fileSet } from './files.js';
import { parseChecks, formatChecks, CHECKS_EXAMPLE } from './checks.js';
import { trialPanel } from './trial.js';

const enc = encodeURIComponent;

/** Either `{ exerciseId }` (edit) or `{ courseId, moduleId }` (a new exercise at the end of that module). */
export async function exerciseEditorView({ exerciseId, courseId, moduleId }) {
  const existing = exerciseId ? await api(`/api/exercises/${enc(exerciseId)}/full`) : null;
  const course = await api(`/api/courses/${enc(courseId ?? existing.courseId)}`);
  const module = existing
    ? course.modules.find(m => m.exercises.some(e => e.id === existing.id))
    : course.modules.find(m => m.id === moduleId);
  if (!existing && !module) throw new Error(`Course "${course.title}" has no module "${moduleId}".`);
  let version = existing?.version;

  const title = input(existing?.title, { required: true, maxlength: 200, autocomplete: 'off' });
  const language = h('select', {}, LANGUAGES.filter(([id]) => course.languages.includes(id) || id === existing?.language)
    .map(([id, name]) => h('option', { value: id, selected: id === existing?.language }, name)));

  const instructions = textarea(existing?.instructions, { id: 'instructions', class: 'code', min: 12, max: 40 });
  const preview = h('div', { class: 'prose preview', id: 'instructions-preview' });
  let previewQueued = false;
  const renderPreview = () => { previewQueued = false; preview.replaceChildren(renderMarkdown(instructions.value)); };
  instructions.addEventListener('input', () => { if (!previewQueued) { previewQueued = true; requestAnimationFrame(renderPreview); } });
  renderPreview();

  const starter = fileSet('starterFiles', 'Starter files', 'Starter file', existing?.starterFiles ?? [], 'What learners start from and edit.');
  const tests = fileSet('visibleTests', 'Visible tests', 'Test file', existing?.visibleTests ?? [], 'Learners see and run these (pytest, Jest-style or xunit): they teach, they do not grade.');
  const solution = fileSet('solution', 'Reference solution', 'Solution file', existing?.solution ?? [], 'Stands in for the starter files of the same names; never shown to learners.');
  const copyStarter = h('button', { type: 'button', onclick: () => solution.set(starter.value()) }, 'Copy the starter files into the solution');

  const checksInput = textarea(formatChecks(existing?.hiddenChecks), { id: 'hidden-checks', class: 'code', min: 6, max: 30 });
  const checksCount = h('p', { class: 'meta', id: 'checks-count', 'aria-live': 'polite' });
  const checksField = field('hiddenChecks', 'Hidden checks (JSON)', checksInput,
    'A list of calls into the learner\'s code and the results they must give; judged outside the sandbox. Learners see only each check\'s number and description.');
  const checksError = checksField.querySelector('[data-error-for="hiddenChecks"]');
  function readChecks() {
    const result = parseChecks(checksInput.value);
    checksError.textContent = result.error ?? '';
    if (result.error) checksInput.setAttribute('aria-invalid', 'true'); else checksInput.removeAttribute('aria-invalid');
    checksCount.textContent = result.error ? ''
      : result.checks.length ? `${result.checks.length} hidden ${result.checks.length === 1 ? 'check' : 'checks'}: submits are graded.`
        : 'No hidden checks: a practice exercise, whose passes are self-checked.';
    return result;
  }
  checksInput.addEventListener('input', readChecks);
  readChecks();

  const hints = [...(existing?.hints ?? [])];
  const hintList = h('ol', { class: 'rows', id: 'hints' });
  function renderHints(focus) {
    hintList.replaceChildren(...hints.map((text, i) => h('li', { class: 'row' },
      field(`hints[${i}]`, `Hint ${i + 1}`, textarea(text, { id: `hint-${i}`, min: 2, max: 8, maxlength: 2000, oninput: e => { hints[i] = e.target.value; } })),
      h('button', { type: 'button', 'aria-label': `Remove hint ${i + 1}`, onclick: () => { hints.splice(i, 1); renderHints(); } }, 'Remove'))));
    if (focus !== undefined) document.getElementById(`hint-${focus}`)?.focus();
  }
  renderHints();

  const timeMs = h('input', { type: 'number', min: 1, step: 100, value: existing?.limits.timeMs ?? '', placeholder: 'default' });
  const memoryMb = h('input', { type: 'number', min: 1, step: 16, value: existing?.limits.memoryMb ?? '', placeholder: 'default' });

  const conceptBoxes = (key, chosen) => course.concepts.map(c => h('label', { class: 'check' },
    h('input', { type: 'checkbox', value: c.id, name: key, checked: chosen?.includes(c.id) ?? false }), ` ${c.name}`));
  const taught = conceptBoxes('conceptsTaught', existing?.conceptsTaught);
  const practised = conceptBoxes('conceptsPractised', existing?.conceptsPractised);
  const chosen = boxes => boxes.map(l => l.querySelector('input')).filter(b => b.checked).map(b => b.value);

  const trial = trialPanel();
  const validateButton = h('button', { type: 'button', id: 'validate' }, 'Validate');
  const saveButton = h('button', { type: 'submit', class: 'primary', id: 'save-exercise' }, existing ? 'Save changes' : 'Publish');
  const status = h('p', { class: 'status', role: 'status', id: 'save-status' }, takeFlash() ?? '');
  const conflict = conflictNotice('exercise', () => navigate(location.pathname, { replace: true }));
  const heading = h('h1', { id: 'exercise-heading' }, existing ? `Edit exercise: ${existing.title}` : `New exercise in ${module.title}`);
  const form = h('form', { class: 'author-form', id: 'exercise-form', 'aria-labelledby': 'exercise-heading', novalidate: true });
  const errors = formErrors(form);

  /** The request body, or null after showing why it cannot be sent. */
  function body() {
    const checks = readChecks();
    if (checks.error) {
      errors.show({ hiddenChecks: [checks.error] }, 'Not sent');
      return null;
    }
    if ((timeMs.value === '') !== (memoryMb.value === '')) {
      errors.show({ limits: ['Give both limits, or neither for the defaults.'] }, 'Not sent');
      return null;
    }
    return {
      title: title.value,
      instructions: instructions.value,
      language: language.value,
      starterFiles: starter.value(),
      visibleTests: tests.value(),
      hiddenChecks: checks.checks,
      solution: solution.value(),
      hints,
      conceptsTaught: chosen(taught),
      conceptsPractised: chosen(practised),
      limits: timeMs.value === '' ? null : { timeMs: Number(timeMs.value), memoryMb: Number(memoryMb.value) },
    };
  }

  validateButton.addEventListener('click', async () => {
    errors.clear();
    const request = body();
    if (!request) return;
    validateButton.disabled = true;
    trial.running();
    try {
      const result = await api('/api/exercises/validate', { method: 'POST', body: { courseId: course.id, ...request } });
      trial.show(result);
      if (Object.keys(result.problems).length) errors.show(result.problems, 'Not ready to publish');
    } catch (err) {
      trial.failed(err.status === 400 ? 'Not run: fix the fields marked below first.' : err.message);
      showFailure(err, errors, conflict);
    } finally {
      validateButton.disabled = false;
    }
  });

  form.addEventListener('submit', async e => {
    e.preventDefault();
    errors.clear();
    conflict.hide();
    const request = body();
    if (!request) return;
    saveButton.disabled = true;
    status.textContent = 'Saving: the server runs the reference and the starter first…';
    try {
      if (!existing) {
        const created = await api('/api/exercises', { method: 'POST', body: { courseId: course.id, moduleId: module.id, ...request } });
        setFlash('Published: learners can open it now.');
        navigate(`/author/exercises/${enc(created.id)}`);
        return;
      }
      const saved = await api(`/api/exercises/${enc(existing.id)}`, { method: 'PUT', body: { version, ...request } });
      version = saved.version;
      heading.textContent = `Edit exercise: ${saved.title}`;
      status.textContent = `Saved (version ${version}). Learners who have it open keep their code; their next run uses this version.`;
    } catch (err) {
      status.textContent = '';
      showFailure(err, errors, conflict);
    } finally {
      saveButton.disabled = false;
    }
  });

  form.append(
    errors.summary,
    conflict.el,
    h('section', { class: 'card' },
      h('h2', {}, 'Details'),
      field('title', 'Title', title),
      field('language', 'Language', language)),
    h('section', { class: 'card' },
      h('h2', {}, 'Instructions'),
      h('div', { class: 'split' },
        field('instructions', 'Instructions (Markdown)', instructions),
        h('section', { class: 'preview-pane', 'aria-labelledby': 'preview-title' }, h('h3', { id: 'preview-title' }, 'Preview (as learners see it)'), preview))),
    h('section', { class: 'card' },
      h('h2', {}, 'Files'),
      starter.el, tests.el, solution.el, copyStarter),
    h('section', { class: 'card' },
      h('h2', {}, 'Hidden checks'),
      checksField, checksCount,
      h('details', {}, h('summary', {}, 'What a check looks like'), h('pre', { class: 'code' }, CHECKS_EXAMPLE),
        h('p', { class: 'meta' }, 'Python/JavaScript: "module.function" (module = a solution file\'s name without extension); C#: "Type.Method". '
          + 'compare: exact (default), tolerance (with "tolerance"), unordered (an array in any order). See docs/hidden-checks-protocol.md.'))),
    h('section', { class: 'card' },
      h('h2', {}, 'Hints'),
      h('p', { class: 'meta' }, 'Released to a learner one at a time, in this order, after failed attempts or on request.'),
      group('hints', 'Hints', hintList,
        h('button', { type: 'button', id: 'add-hint', onclick: () => { hints.push(''); renderHints(hints.length - 1); } }, 'Add hint'))),
    h('section', { class: 'card' },
      h('h2', {}, 'Limits'),
      group('limits', 'Run limits (empty: the platform\'s defaults)',
        h('div', { class: 'split' }, field('limits.timeMs', 'Time limit (ms)', timeMs), field('limits.memoryMb', 'Memory limit (MB)', memoryMb)))),
    h('section', { class: 'card' },
      h('h2', {}, 'Concepts'),
      course.concepts.length ? null : h('p', { class: 'meta' }, 'The course has no concepts yet: add them in the course editor.'),
      group('conceptsTaught', 'Concepts taught', h('div', { class: 'checks' }, taught)),
      group('conceptsPractised', 'Concepts practised', h('div', { class: 'checks' }, practised))),
    trial.el,
    h('div', { class: 'actions' }, validateButton, saveButton, status,
      existing ? link(`/exercises/${enc(existing.id)}`, 'Open as a learner', { id: 'open-as-learner' }) : null));

  return {
    title: existing ? `Edit ${existing.title}` : 'New exercise',
    el: h('div', { class: 'author' },
      h('p', {}, link(`/author/courses/${enc(course.id)}`, `← ${course.title}`)),
      heading,
      form),
    focus: () => title.focus(),
  };
}
