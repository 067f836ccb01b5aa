import { login, register } from '../api.js';
import { h } from '../ui.js';
import { field, formErrors } from './author/form.js';

// The server checks every field and says what is wrong with each (a ValidationProblem's `errors`, keyed by the
// request's field names; a taken email comes the same way with its 409): those messages appear next to their fields,
// and only what belongs to no field (wrong email or password, a locked account) in the form's summary. The forms do
// not validate in the browser (novalidate), so there is one set of rules and one way of showing them.
export function signInView({ onSignedIn }) {
  // fields: [request field, input id, label, type, autocomplete, hint?]; `action` gets the values by request field.
  function form(id, title, button, fields, failure, action) {
    const el = h('form', { class: 'card', id: `${id}-form`, 'aria-labelledby': `${id}-title`, novalidate: true },
      h('h2', { id: `${id}-title` }, title));
    const errors = formErrors(el);
    el.append(errors.summary,
      ...fields.map(([key, inputId, label, type, autocomplete, hint]) =>
        field(key, label, h('input', { id: inputId, name: key, type, autocomplete, required: true }), hint)),
      h('button', { type: 'submit' }, button));
    el.addEventListener('submit', async e => {
      e.preventDefault();
      errors.clear();
      const submit = el.querySelector('button');
      submit.disabled = true;
      try {
        await action(Object.fromEntries(fields.map(([key, inputId]) => [key, el.querySelector(`#${inputId}`).value])));
        onSignedIn();
      } catch (err) {
        if (err.problem?.errors) errors.show(err.problem.errors, failure); else errors.message(err.message);
      } finally { submit.disabled = false; }
    });
    return el;
  }

  const signIn = form('signin', 'Sign in', 'Sign in', [
    ['email', 'signin-email', 'Email', 'email', 'username'],
    ['password', 'signin-password', 'Password', 'password', 'current-password'],
  ], 'Not signed in', v => login(v.email, v.password));
  const signUp = form('register', 'Create an account', 'Register', [
    ['displayName', 'register-name', 'Display name', 'text', 'name'],
    ['email', 'register-email', 'Email', 'email', 'email'],
    ['password', 'register-password', 'Password', 'password', 'new-password', '10+ characters of two kinds or more: lower case, upper case, digits, others'],
  ], 'Not registered', v => register(v.email, v.password, v.displayName));

  return {
    title: 'Sign in',
    el: h('div', { class: 'signin' }, h('h1', {}, 'Learning Platform'), h('div', { class: 'cards' }, signIn, signUp)),
    focus: () => signIn.querySelector('input').focus(),
  };
}
