// The single-page client: a path router over a few views. The Hub serves index.html for every other path.
import './csp.js';
import './styles.css';
import { api, isSignedIn, restoreSession, signOut } from './api.js';
import { h, link, errorBox } from './ui.js';
import { signInView } from './views/signin.js';
import { catalogView, courseView } from './views/catalog.js';
// The editor (Monaco) is most of the bundle: the views that use it load when first opened, so the sign-in, catalog
// and course pages do not wait for it. Authoring is for a few: its views load when first opened too.
const workbench = () => import('./views/workbench.js');
const teach = () => import('./views/teach.js');
const author = () => import('./views/author/course.js');
const exercise = () => import('./views/author/exercise.js');
const imports = () => import('./views/import.js');

const main = document.getElementById('main');
const nav = document.getElementById('nav');
let me = null;
let cleanup = null;

const routes = [
  [/^\/$/, () => catalogView()],
  [/^\/signin$/, () => signInView({ onSignedIn: () => { me = null; go('/'); } })],
  [/^\/courses\/([^/]+)$/, id => courseView(id, me)],
  [/^\/exercises\/([^/]+)$/, async id => (await workbench()).workbenchView(id)],
  [/^\/teach\/([^/]+)$/, async id => (await teach()).dashboardView(id)],
  [/^\/watch\/([^/]+)$/, async id => (await teach()).watchView(id)],
  [/^\/author\/courses\/new$/, async () => (await author()).courseEditorView(null)],
  [/^\/author\/courses\/([^/]+)$/, async id => (await author()).courseEditorView(id)],
  [/^\/author\/courses\/([^/]+)\/modules\/([^/]+)\/new-exercise$/, async (courseId, moduleId) => (await exercise()).exerciseEditorView({ courseId, moduleId })],
  [/^\/author\/exercises\/([^/]+)$/, async id => (await exercise()).exerciseEditorView({ exerciseId: id })],
  [/^\/import$/, async () => (await imports()).importView(me)],
  [/^\/import\/([^/]+)$/, async id => (await imports()).importView(me, id)],
];

export function go(path) {
  history.pushState(null, '', path);
  route();
}

async function route() {
  const path = location.pathname;
  if (!isSignedIn() && path !== '/signin') { history.replaceState(null, '', '/signin'); return route(); }
  if (cleanup) { try { await cleanup(); } catch { /* the old view's connection is going anyway */ } cleanup = null; }
  if (isSignedIn() && !me) {
    try { me = await api('/api/users/me'); } catch { signOut(); history.replaceState(null, '', '/signin'); return route(); }
  }
  renderNav();
  const match = routes.map(([re, view]) => [path.match(re), view]).find(([m]) => m);
  main.replaceChildren();
  if (!match) { main.append(h('h1', {}, 'Not found'), link('/', 'Back to the catalog')); return; }
  const [m, view] = match;
  try {
    const result = await view(...m.slice(1).map(decodeURIComponent));
    if (location.pathname !== path) { await result?.dispose?.(); return; } // navigated away meanwhile
    main.replaceChildren(result.el);
    cleanup = result.dispose ?? null;
    document.title = `${result.title ?? 'Learning Platform'} · Learning Platform`;
    result.focus?.();
  } catch (e) {
    main.replaceChildren(errorBox(e));
  }
}

function renderNav() {
  nav.replaceChildren();
  if (!me) return;
  const roles = me.roles ?? [];
  const authors = roles.includes('admin') || roles.includes('instructor');
  nav.append(
    h('ul', {},
      h('li', {}, link('/', 'Catalog')),
      authors ? h('li', {}, link('/author/courses/new', 'New course')) : null,
      authors ? h('li', {}, link('/import', 'Import')) : null,
      roles.includes('admin') ? h('li', {}, h('a', { href: '/jobs', id: 'jobs-link', onclick: openJobs }, 'Jobs')) : null,
      h('li', { class: 'who' }, `${me.displayName} (${roles.join(', ')})`),
      h('li', {}, h('button', { type: 'button', id: 'signout', onclick: async () => { await signOut(); me = null; go('/signin'); } }, 'Sign out'))));
}

// The Hangfire dashboard is a server page: a navigation cannot carry the access token, so the admin's browser first
// trades it for the dashboard's cookie (HttpOnly, path /jobs, as long as the token lives), then goes there.
async function openJobs(e) {
  e.preventDefault();
  const newTab = e.ctrlKey || e.metaKey || e.shiftKey;
  try {
    await api('/api/auth/dashboard-session', { method: 'POST' });
  } catch (err) {
    main.replaceChildren(errorBox(err));
    return;
  }
  if (newTab) window.open('/jobs', '_blank', 'noopener'); else location.assign('/jobs');
}

document.addEventListener('click', e => {
  const a = e.target.closest?.('a[data-nav]');
  if (!a || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
  e.preventDefault();
  go(a.getAttribute('href'));
});
window.addEventListener('popstate', route);
window.__lp = { go };
restoreSession().catch(() => { /* not answering: sign in again */ }).finally(route);
