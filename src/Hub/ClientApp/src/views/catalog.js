import { api } from '../api.js';
import { gradingBadge, h, link } from '../ui.js';

export async function catalogView() {
  const page = await api('/api/courses?pageSize=50');
  return {
    title: 'Catalog',
    el: h('div', {},
      h('h1', {}, 'Courses'),
      h('ul', { class: 'course-list' }, page.items.map(c => h('li', { class: 'card' },
        h('h2', {}, link(`/courses/${encodeURIComponent(c.id)}`, c.title)),
        h('p', {}, c.summary),
        h('p', { class: 'meta' }, `${c.languages.join(', ')} · ${c.difficulty} · ${c.exerciseCount} exercises`))))),
  };
}

// Where the learner is with an exercise, from GET /api/progress/me: only a graded pass (every hidden check right)
// completes it; a practice exercise (no hidden checks) passed on submit is self-checked.
function stateBadge(p) {
  const [state, text] = !p || p.attempts === 0 ? ['not-started', 'Not started']
    : p.completed ? ['passed', 'Passed (graded)']
    : p.selfChecked ? ['self-checked', 'Passed (self-checked)']
    : ['attempted', `Attempted (${p.attempts} ${p.attempts === 1 ? 'try' : 'tries'})`];
  return h('span', { class: `state state-${state}`, dataset: { state } }, text);
}

export async function courseView(id, me) {
  const [course, progress] = await Promise.all([
    api(`/api/courses/${encodeURIComponent(id)}`),
    api('/api/progress/me').catch(() => null), // the course still shows without it
  ]);
  const mine = new Map((progress?.courses.find(c => c.courseId === id)?.exercises ?? []).map(e => [e.exerciseId, e]));
  const teaches = me?.roles?.includes('admin') || (me?.roles?.includes('instructor') && course.instructors.includes(me.id));
  return {
    title: course.title,
    el: h('div', {},
      h('p', {}, link('/', '← Catalog')),
      h('h1', {}, course.title),
      h('p', {}, course.summary),
      teaches ? h('p', { class: 'actions' },
        link(`/teach/${encodeURIComponent(course.id)}`, 'Live sessions dashboard', { class: 'button', id: 'dashboard-link' }),
        link(`/author/courses/${encodeURIComponent(course.id)}`, 'Edit course', { class: 'button', id: 'edit-course' })) : null,
      course.modules.map(m => h('section', { class: 'module' },
        h('h2', {}, m.title),
        h('ul', { class: 'exercise-list' }, m.exercises.map(e => h('li', { dataset: { exercise: e.id } },
          link(`/exercises/${encodeURIComponent(e.id)}`, e.title),
          ' ', gradingBadge(e.graded),
          progress ? [' ', stateBadge(mine.get(e.id))] : null,
          teaches ? [' ', link(`/author/exercises/${encodeURIComponent(e.id)}`, 'Edit', { class: 'edit-link', 'aria-label': `Edit ${e.title}` })] : null))),
        teaches ? link(`/author/courses/${encodeURIComponent(course.id)}/modules/${encodeURIComponent(m.id)}/new-exercise`, 'New exercise', { 'aria-label': `New exercise in ${m.title}` }) : null))),
  };
}
