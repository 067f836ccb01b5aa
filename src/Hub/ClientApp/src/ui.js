// A tiny DOM helper: h('button', { onclick }, 'Run'). Text children are text nodes, never HTML.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k in el && typeof v !== 'string') el[k] = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Goes to a path of the client without reloading (main.js routes on popstate); `replace` keeps no history entry. */
export function navigate(path, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', path); else history.pushState(null, '', path);
  dispatchEvent(new PopStateEvent('popstate'));
}

export const link = (href, text, attrs = {}) => h('a', { href, 'data-nav': '', ...attrs }, text);

export function formatMs(ms) {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m ${s % 60}s` : `${Math.floor(m / 60)}h ${m % 60}m`;
}

/**
 * Whether an exercise is graded (it has hidden checks, judged outside the sandbox, which decide a pass) or
 * self-checked (its visible tests are all there is), as `graded` says in the course listing and the exercise.
 */
export function gradingBadge(graded) {
  const [kind, text, why] = graded
    ? ['graded', 'Graded', 'hidden checks decide whether a submission passes']
    : ['self-checked', 'Self-checked', 'no hidden checks: the visible tests are all there is'];
  return h('span', { class: `grading grading-${kind}`, dataset: { grading: kind }, title: why },
    text, h('span', { class: 'sr-only' }, `: ${why}`));
}

export function errorBox(error) {
  return h('p', { class: 'error', role: 'alert' }, error?.message ?? String(error));
}
