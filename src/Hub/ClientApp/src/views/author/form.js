// What the authoring views share: labelled controls with room for their errors, the errors of a ValidationProblem
// placed next to their fields, and the notice of a change someone else saved first.
import { h } from '../../ui.js';

export const LANGUAGES = [['python', 'Python'], ['javascript', 'JavaScript'], ['csharp', 'C#']];

let next = 0;
const uid = prefix => `${prefix}-${++next}`;

/** An error slot for the server's errors under `key` (a JSON path such as `modules[2].title`) and its children. */
export const errorSlot = key => h('p', { class: 'field-error', id: uid('err'), dataset: { errorFor: key } });

/** A labelled control; `key` is the JSON path under which the server reports its errors. */
export function field(key, label, control, hint) {
  control.id ||= uid('f');
  control.dataset.field = key;
  const hintEl = hint ? h('p', { class: 'meta hint-text', id: `${control.id}-hint` }, hint) : null;
  const error = errorSlot(key);
  control.setAttribute('aria-describedby', [hintEl?.id, error.id].filter(Boolean).join(' '));
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), hintEl, control, error);
}

/** A group of controls (checkboxes, a list of rows) under one legend, with an error slot for `key`. */
export function group(key, legend, ...children) {
  const error = errorSlot(key);
  return h('fieldset', { class: 'group', dataset: { field: key }, 'aria-describedby': error.id }, h('legend', {}, legend), error, ...children);
}

// `hiddenChecks[0].call` → `hiddenChecks[0]` → `hiddenChecks` → ''.
function parentKey(key) {
  const parent = key.replace(/(\.[^.[\]]+|\[\d+\])$/, '');
  return parent === key ? '' : parent;
}

/**
 * A summary (role=alert) at the top of a form and the field errors below it. `show` places each error of a
 * ValidationProblem in the slot of its field, or of the nearest enclosing one; errors without a slot go to the summary.
 */
export function formErrors(root) {
  const summary = h('div', { class: 'error-summary', role: 'alert', id: uid('summary') });

  function clear() {
    summary.replaceChildren();
    for (const el of root.querySelectorAll('[data-error-for]')) el.textContent = '';
    for (const el of root.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  }

  function slotFor(key) {
    for (let k = key; k; k = parentKey(k)) {
      const slot = root.querySelector(`[data-error-for="${CSS.escape(k)}"]`);
      if (slot) return slot;
    }
    return null;
  }

  /** Field errors of a ValidationProblem (`{ field: [messages] }`), under a title. */
  function show(errors, title) {
    clear();
    const unplaced = [];
    let first = null;
    for (const [key, messages] of Object.entries(errors ?? {})) {
      const slot = slotFor(key);
      if (!slot) { unplaced.push(...messages.map(m => `${key}: ${m}`)); continue; }
      const where = slot.dataset.errorFor === key ? '' : `${key.slice(slot.dataset.errorFor.length).replace(/^\./, '')}: `;
      slot.textContent += (slot.textContent ? '\n' : '') + messages.map(m => where + m).join('\n');
      const control = root.querySelector(`[data-field="${CSS.escape(slot.dataset.errorFor)}"]`);
      control?.setAttribute('aria-invalid', 'true');
      first ??= control;
    }
    const count = Object.values(errors ?? {}).reduce((n, m) => n + m.length, 0);
    summary.append(h('p', {}, `${title ?? 'Not saved'}: ${count} ${count === 1 ? 'problem' : 'problems'}${count > unplaced.length ? ', shown next to the fields' : ''}.`));
    if (unplaced.length) summary.append(h('ul', {}, unplaced.map(m => h('li', {}, m))));
    first?.focus();
  }

  /** One message for the whole form (no field to blame). */
  function message(text) {
    clear();
    summary.append(h('p', {}, text));
  }

  return { summary, show, message, clear };
}

/** What a failed save says: field errors for a 400 ValidationProblem, the conflict notice for a 409, else the problem. */
export function showFailure(error, errors, conflict) {
  if (error.status === 400 && error.problem?.errors) errors.show(error.problem.errors, error.problem.title);
  else if (error.status === 409) { errors.clear(); conflict.show(); }
  else errors.message(error.message);
}

/** Shown when a save answers 409: someone saved a newer version since this one was read. */
export function conflictNotice(what, reload) {
  const el = h('div', { class: 'conflict', role: 'alert', id: 'conflict', hidden: true },
    h('p', {}, `Someone else changed this ${what} since you opened it, so your changes were not saved. `
      + 'Reload to get their version, then make your changes again (copy what you want to keep first).'),
    h('button', { type: 'button', id: 'conflict-reload', onclick: reload }, `Reload the ${what}`));
  return { el, show: () => { el.hidden = false; el.querySelector('button').focus(); }, hide: () => { el.hidden = true; } };
}

/** A single-line text input. */
export const input = (value, attrs = {}) => h('input', { type: 'text', value: value ?? '', ...attrs });

/** A textarea sized to its text (from `min` to `max` rows). */
export function textarea(value, { min = 4, max = 30, ...attrs } = {}) {
  const el = h('textarea', { spellcheck: false, ...attrs });
  el.value = value ?? '';
  const fit = () => { el.rows = Math.max(min, Math.min(max, el.value.split('\n').length + 1)); };
  el.addEventListener('input', fit);
  fit();
  return el;
}

/** Lower-case letters, digits and '-', as the server wants ids of concepts and modules. */
export const slug = text => (text ?? '').toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 48);

/** Comma-separated words as a list. */
export const words = text => (text ?? '').split(',').map(w => w.trim()).filter(Boolean);

// A message for the next view: a save that navigates says there what it did.
let flash = null;
export const setFlash = text => { flash = text; };
export function takeFlash() {
  const text = flash;
  flash = null;
  return text;
}
