// Importing a track (an Exercism repository as a .tar.gz) into a course: the upload, then its progress, polled about
// once a second while it runs. /import/{id} shows an import already started (and survives a reload).
import { api } from '../api.js';
import { h, link, navigate } from '../ui.js';
import { field, formErrors } from './author/form.js';

const POLL_MS = 1000;
const FORMATS = [['exercism', 'Exercism track']];
const FORMAT_NAMES = Object.fromEntries(FORMATS);
const STATUS = { pending: 'Pending', imported: 'Imported', invalid: 'Invalid', skipped: 'Skipped' };
const enc = encodeURIComponent;

export async function importView(me, importId) {
  return importId ? progressView(importId) : formView(me);
}

async function formView(me) {
  const admin = me.roles.includes('admin');
  // Admins may import into any course or make a new one from the track; instructors into a course they teach.
  const courses = (await api(`/api/courses?pageSize=100${admin ? '' : '&teaching=true'}`)).items;
  const course = h('select', {},
    admin ? h('option', { value: '' }, 'A new course made from the track') : null,
    courses.map(c => h('option', { value: c.id }, c.title)));
  const format = h('select', {}, FORMATS.map(([id, name]) => h('option', { value: id }, name)));
  const file = h('input', { type: 'file', accept: '.tar.gz,.tgz,application/gzip', required: true });
  const submit = h('button', { type: 'submit', class: 'primary', id: 'start-import' }, 'Import');
  const form = h('form', { class: 'author-form card', id: 'import-form', 'aria-labelledby': 'import-heading', novalidate: true });
  const errors = formErrors(form);

  form.addEventListener('submit', async e => {
    e.preventDefault();
    errors.clear();
    const archive = file.files[0];
    if (!archive) { errors.show({ file: ['Choose the track\'s .tar.gz archive.'] }, 'Not sent'); return; }
    submit.disabled = true;
    try {
      const query = `format=${enc(format.value)}${course.value ? `&courseId=${enc(course.value)}` : ''}`;
      const started = await api(`/api/imports?${query}`, { method: 'POST', body: archive, contentType: 'application/gzip' });
      navigate(`/import/${enc(started.id)}`);
    } catch (err) {
      if (err.problem?.errors) errors.show(err.problem.errors, err.problem.title ?? 'Not imported');
      else errors.message(err.message);
    } finally {
      submit.disabled = false;
    }
  });

  if (!admin && courses.length === 0) {
    form.append(h('p', {}, 'You teach no course yet: an import goes into one of your courses. ', link('/author/courses/new', 'Create a course')));
  } else {
    form.append(
      errors.summary,
      field('courseId', 'Into the course', course),
      field('format', 'Format', format),
      field('file', 'Track archive (.tar.gz)', file, 'The whole repository of a track, e.g. git archive --format=tar.gz HEAD. Each exercise is checked like one saved by hand: its example solution must pass its tests.'),
      h('div', { class: 'actions' }, submit));
  }

  return {
    title: 'Import exercises',
    el: h('div', { class: 'author' }, h('h1', { id: 'import-heading' }, 'Import exercises'), form),
  };
}

async function progressView(importId) {
  let timer = null;
  let disposed = false;
  const heading = h('h1', {}, 'Import');
  const progress = h('progress', { id: 'import-progress', max: 1 });
  const count = h('p', { class: 'meta', id: 'import-count' });
  // Only the outcome is announced: the count changes every second.
  const status = h('p', { class: 'status', role: 'status', id: 'import-status' });
  const problem = h('p', { class: 'error', role: 'alert', id: 'import-problem' });
  const done = h('p', { id: 'import-done' });
  const rows = h('tbody', { id: 'import-exercises' });

  function render(job) {
    heading.textContent = `${FORMAT_NAMES[job.format] ?? job.format} import`;
    if (job.total > 0) { progress.max = job.total; progress.value = job.processed; } else progress.removeAttribute('value'); // not known yet
    count.textContent = `${job.processed} of ${job.total} exercises processed.`;
    progress.setAttribute('aria-valuetext', count.textContent);
    const tally = s => job.exercises.filter(x => x.status === s).length;
    status.textContent = job.status === 'running' ? '' : job.status === 'finished'
      ? `Finished: ${tally('imported')} imported, ${tally('invalid')} invalid, ${tally('skipped')} skipped.` : 'The import failed.';
    problem.textContent = job.status === 'failed' ? job.message ?? 'The import failed.' : '';
    if (job.status !== 'failed' && job.message) count.textContent += ` ${job.message}`;
    done.replaceChildren(...(job.status === 'finished' && job.courseId
      ? [link(`/courses/${enc(job.courseId)}`, 'Open the course', { id: 'import-course' }), ' · ', link(`/author/courses/${enc(job.courseId)}`, 'Edit the course')]
      : []));
    rows.replaceChildren(...job.exercises.map(x => h('tr', { dataset: { slug: x.slug, status: x.status } },
      h('td', {}, x.title || x.slug, h('span', { class: 'meta' }, ` (${x.slug})`)),
      h('td', { class: `import-${x.status}` }, STATUS[x.status] ?? x.status),
      h('td', {}, x.reason ?? '', x.exerciseId && x.status === 'imported' ? link(`/author/exercises/${enc(x.exerciseId)}`, 'Edit', { 'aria-label': `Edit ${x.title || x.slug}` }) : null))));
  }

  async function poll() {
    timer = null;
    try {
      const job = await api(`/api/imports/${enc(importId)}`);
      if (disposed) return;
      render(job);
      if (job.status === 'running') timer = setTimeout(poll, POLL_MS);
    } catch (err) {
      if (disposed) return;
      problem.textContent = err.status === 404 ? `There is no import "${importId}".` : `Could not read the progress (${err.message}); trying again.`;
      if (err.status !== 404 && err.status !== 403) timer = setTimeout(poll, POLL_MS);
    }
  }
  await poll();

  return {
    title: 'Import',
    el: h('div', { class: 'author import' },
      h('p', {}, link('/import', '← New import')),
      heading,
      h('div', { class: 'card' },
        h('label', { for: 'import-progress' }, 'Import progress'), progress, count, status, problem, done),
      h('table', { class: 'sessions' },
        h('caption', {}, 'The track\'s exercises'),
        h('thead', {}, h('tr', {}, ['Exercise', 'Status', 'Details'].map(t => h('th', { scope: 'col' }, t)))),
        rows)),
    dispose() { disposed = true; clearTimeout(timer); },
  };
}
