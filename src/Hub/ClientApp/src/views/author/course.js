// The course editor: details, the concept graph, and modules (added, renamed, reordered; their exercises reordered).
import { api } from '../../api.js';
import { h, link, navigate } from '../../ui.js';
import { field, group, formErrors, showFailure, conflictNotice, input, textarea, slug, words, errorSlot, takeFlash, setFlash, LANGUAGES } from './form.js';

const DIFFICULTIES = ['beginner', 'intermediate', 'advanced'];

const enc = encodeURIComponent;
let keys = 0; // rows keep a client key across moves, so focus can follow the row

export async function courseEditorView(courseId) {
  const course = courseId ? await api(`/api/courses/${enc(courseId)}`) : null;
  let version = course?.version;
  const concepts = (course?.concepts ?? []).map(c => ({ key: ++keys, id: c.id, name: c.name, prerequisites: c.prerequisites.join(', '), saved: true }));
  const modules = (course?.modules ?? []).map(m => ({ key: ++keys, id: m.id, title: m.title, exercises: [...m.exercises], saved: true }));

  const title = input(course?.title, { required: true, maxlength: 200, autocomplete: 'off' });
  const summary = textarea(course?.summary, { min: 3, max: 10, maxlength: 4000 });
  const difficulty = h('select', {}, DIFFICULTIES.map(d => h('option', { value: d, selected: d === (course?.difficulty ?? 'beginner') }, d)));
  const tags = input(course?.tags.join(', '), { autocomplete: 'off' });
  const languageBoxes = LANGUAGES.map(([id, name]) => {
    const box = h('input', { type: 'checkbox', id: `language-${id}`, value: id, checked: course?.languages.includes(id) ?? false });
    return h('label', { class: 'check' }, box, ` ${name}`);
  });
  const conceptList = h('ol', { class: 'rows', id: 'concepts' });
  const moduleList = h('ol', { class: 'rows', id: 'modules' });
  const status = h('p', { class: 'status', role: 'status' }, takeFlash() ?? '');
  const saveButton = h('button', { type: 'submit', class: 'primary', id: 'save-course' }, course ? 'Save course' : 'Create course');
  const conflict = conflictNotice('course', () => navigate(location.pathname, { replace: true }));
  const heading = h('h1', { id: 'course-heading' }, course ? `Edit course: ${course.title}` : 'New course');

  function renderConcepts(focus) {
    conceptList.replaceChildren(...concepts.map((c, i) => {
      const remove = h('button', { type: 'button', onclick: () => { concepts.splice(i, 1); renderConcepts(); } }, 'Remove');
      const relabel = () => remove.setAttribute('aria-label', `Remove concept ${c.name || i + 1}`);
      const name = input(c.name, { maxlength: 100, oninput: e => { c.name = e.target.value; relabel(); if (!c.saved && c.autoId !== false) { c.id = slug(c.name); idInput.value = c.id; } } });
      const idInput = input(c.id, { maxlength: 48, readOnly: c.saved, oninput: e => { c.id = e.target.value; c.autoId = false; } });
      const prerequisites = input(c.prerequisites, { oninput: e => { c.prerequisites = e.target.value; } });
      relabel();
      return h('li', { class: 'row', dataset: { key: c.key } },
        field(`concepts[${i}].name`, `Concept ${i + 1} name`, name),
        field(`concepts[${i}].id`, `Concept ${i + 1} id`, idInput, c.saved ? 'Exercises refer to it: fixed once saved.' : null),
        field(`concepts[${i}].prerequisites`, `Concept ${i + 1} prerequisites (ids, comma-separated)`, prerequisites),
        remove);
    }));
    if (focus) conceptList.querySelector(`[data-key="${focus}"] input`)?.focus();
  }

  function move(list, i, by, render, key, which) {
    const [row] = list.splice(i, 1);
    list.splice(i + by, 0, row);
    render();
    // Focus stays on the moved row's button, or its other one when the row reached an end.
    const [same, other] = by < 0 ? ['up', 'down'] : ['down', 'up'];
    const button = document.getElementById(`${which}-${same}-${key}`);
    (button?.disabled ? document.getElementById(`${which}-${other}-${key}`) : button)?.focus();
  }

  function renderModules(focus) {
    moduleList.replaceChildren(...modules.map((m, i) => {
      const up = h('button', { type: 'button', id: `module-up-${m.key}`, disabled: i === 0, onclick: () => move(modules, i, -1, renderModules, m.key, 'module') }, '↑');
      const down = h('button', { type: 'button', id: `module-down-${m.key}`, disabled: i === modules.length - 1, onclick: () => move(modules, i, 1, renderModules, m.key, 'module') }, '↓');
      // A module with exercises cannot go: the server keeps every exercise in a module until it is deleted.
      const remove = h('button', { type: 'button', disabled: m.exercises.length > 0, title: m.exercises.length ? 'Move or delete its exercises first' : null, onclick: () => { modules.splice(i, 1); renderModules(); } }, 'Remove');
      const relabel = () => {
        const name = m.title || `module ${i + 1}`;
        up.setAttribute('aria-label', `Move module ${name} up`);
        down.setAttribute('aria-label', `Move module ${name} down`);
        remove.setAttribute('aria-label', `Remove module ${name}`);
      };
      const titleInput = input(m.title, { maxlength: 200, oninput: e => { m.title = e.target.value; relabel(); if (!m.saved && m.autoId !== false) { m.id = slug(m.title); idInput.value = m.id; } } });
      const idInput = input(m.id, { maxlength: 48, readOnly: m.saved, oninput: e => { m.id = e.target.value; m.autoId = false; } });
      relabel();
      const name = m.title || `module ${i + 1}`;
      const exercises = h('ol', { class: 'exercise-rows' }, m.exercises.map((e, j) => h('li', {},
        link(`/author/exercises/${enc(e.id)}`, e.title, { 'aria-label': `Edit exercise ${e.title}` }), ' ',
        h('button', { type: 'button', id: `exercise-up-${e.id}`, disabled: j === 0, 'aria-label': `Move exercise ${e.title} up`, onclick: () => move(m.exercises, j, -1, renderModules, e.id, 'exercise') }, '↑'),
        h('button', { type: 'button', id: `exercise-down-${e.id}`, disabled: j === m.exercises.length - 1, 'aria-label': `Move exercise ${e.title} down`, onclick: () => move(m.exercises, j, 1, renderModules, e.id, 'exercise') }, '↓'))));
      return h('li', { class: 'row module-row', dataset: { key: m.key, module: m.id } },
        field(`modules[${i}].title`, `Module ${i + 1} title`, titleInput),
        field(`modules[${i}].id`, `Module ${i + 1} id`, idInput, m.saved ? 'Fixed once saved.' : null),
        h('div', { class: 'row-actions' }, up, down, remove),
        h('div', { class: 'module-exercises' },
          errorSlot(`modules[${i}].exerciseIds`),
          exercises,
          course && m.saved
            ? link(`/author/courses/${enc(course.id)}/modules/${enc(m.id)}/new-exercise`, 'New exercise', { class: 'button', 'aria-label': `New exercise in ${name}` })
            : h('p', { class: 'meta' }, 'Save the course to add exercises to this module.')));
    }));
    if (focus) moduleList.querySelector(`[data-key="${focus}"] input`)?.focus();
  }

  const form = h('form', { class: 'author-form', id: 'course-form', 'aria-labelledby': 'course-heading', novalidate: true });
  const errors = formErrors(form);

  function body() {
    return {
      title: title.value,
      summary: summary.value,
      difficulty: difficulty.value,
      tags: words(tags.value),
      languages: languageBoxes.map(l => l.querySelector('input')).filter(b => b.checked).map(b => b.value),
      concepts: concepts.map(c => ({ id: c.id.trim(), name: c.name, prerequisites: words(c.prerequisites) })),
      // A new course has no exercises; an update gives each module's order (which also moves exercises between modules).
      modules: modules.map(m => ({ id: m.id.trim(), title: m.title, exerciseIds: course ? m.exercises.map(e => e.id) : null })),
    };
  }

  form.addEventListener('submit', async e => {
    e.preventDefault();
    errors.clear();
    conflict.hide();
    saveButton.disabled = true;
    status.textContent = 'Saving…';
    try {
      if (!course) {
        const created = await api('/api/courses', { method: 'POST', body: body() });
        setFlash('Course created. Add exercises to its modules.');
        navigate(`/author/courses/${enc(created.id)}`);
        return;
      }
      const saved = await api(`/api/courses/${enc(course.id)}`, { method: 'PUT', body: { version, ...body(), instructors: null } });
      version = saved.version;
      for (const row of [...concepts, ...modules]) row.saved = true;
      renderConcepts();
      renderModules();
      heading.textContent = `Edit course: ${saved.title}`;
      status.textContent = `Saved (version ${version}).`;
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
      field('summary', 'Summary', summary),
      field('difficulty', 'Difficulty', difficulty),
      field('tags', 'Tags (comma-separated)', tags),
      group('languages', 'Languages', h('div', { class: 'checks' }, languageBoxes))),
    h('section', { class: 'card' },
      h('h2', { id: 'concepts-title' }, 'Concepts'),
      h('p', { class: 'meta' }, 'What the course teaches; a concept\'s prerequisites are concepts a learner should know first. Recommendations follow this graph.'),
      errorSlot('concepts'),
      conceptList,
      h('button', { type: 'button', id: 'add-concept', onclick: () => { const c = { key: ++keys, id: '', name: '', prerequisites: '', saved: false }; concepts.push(c); renderConcepts(c.key); } }, 'Add concept')),
    h('section', { class: 'card' },
      h('h2', { id: 'modules-title' }, 'Modules'),
      h('p', { class: 'meta' }, 'Learners take the modules, and the exercises in each, in this order.'),
      errorSlot('modules'),
      moduleList,
      h('button', { type: 'button', id: 'add-module', onclick: () => { const m = { key: ++keys, id: '', title: '', exercises: [], saved: false }; modules.push(m); renderModules(m.key); } }, 'Add module')),
    h('div', { class: 'actions' }, saveButton, status));
  renderConcepts();
  renderModules();

  return {
    title: course ? `Edit ${course.title}` : 'New course',
    el: h('div', { class: 'author' },
      h('p', {}, course ? link(`/courses/${enc(course.id)}`, '← Course') : link('/', '← Catalog')),
      heading,
      form),
    focus: () => title.focus(),
  };
}
