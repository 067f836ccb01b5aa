import { api } from '../api.js';
import { h, link } from '../ui.js';

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

export async function courseView(id, me) {
  const course = await api(`/api/courses/${encodeURIComponent(id)}`);
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
        h('ul', {}, m.exercises.map(e => h('li', {},
          link(`/exercises/${encodeURIComponent(e.id)}`, e.title),
          teaches ? [' ', link(`/author/exercises/${encodeURIComponent(e.id)}`, 'Edit', { class: 'edit-link', 'aria-label': `Edit ${e.title}` })] : null))),
        teaches ? link(`/author/courses/${encodeURIComponent(course.id)}/modules/${encodeURIComponent(m.id)}/new-exercise`, 'New exercise', { 'aria-label': `New exercise in ${m.title}` }) : null))),
  };
}
