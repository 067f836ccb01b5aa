import { login, register } from '../api.js';
import { h } from '../ui.js';
import { field, formErrors } from './author/form.js';

// The server checks every field and says what is wrong with each (a ValidationProblem's `errors`, keyed by the
// request's field names; a taken email comes the same way with its 409): those messages appear next to their fields,
// and only what belongs to no field (wrong email or password, a locked account) in the form's summary. The forms do
// not validate in the browser (novalidate), so there is one set of rules and one way of showing them.
export function signInView({ onSignedIn }) {
  const input = (key, id, type, autocomplete) => h('input', { id, name: key, type, autocomplete, required: true });

  const signIn = h('form', { class: 'card', id: 'signin-form', 'aria-labelledby': 'signin-title', novalidate: true },
    h('h2', { id: 'signin-title' }, 'Sign in'));
  const signInErrors = formErrors(signIn);
  signIn.append(signInErrors.summary,
    field('email', 'Email', input('email', 'signin-email', 'email', 'username')),
    field('password', 'Password', input('password', 'signin-password', 'password', 'current-password')),
    h('button', { type: 'submit' }, 'Sign in'));

  const signUp = h('form', { class: 'card', id: 'register-form', 'aria-labelledby': 'register-title', novalidate: true },
    h('h2', { id: 'register-title' }, 'Create an account'));
  const signUpErrors = formErrors(signUp);
  signUp.append(signUpErrors.summary,
    field('displayName', 'Display name', input('displayName', 'register-name', 'text', 'name')),
    field('email', 'Email', input('email', 'register-email', 'email', 'email')),
    field('password', 'Password', input('password', 'register-password', 'password', 'new-password'), '10+ characters of two kinds or more: lower case, upper case, digits, others'),
    h('button', { type: 'submit' }, 'Register'));

  const submit = (form, errors, title, action) => form.addEventListener('submit', async e => {
    e.preventDefault();
    errors.clear();
    const button = form.querySelector('button');
    button.disabled = true;
    try {
      await action();
      onSignedIn();
    } catch (err) {
      if (err.problem?.errors) errors.show(err.problem.errors, title); else errors.message(err.message);
    } finally { button.disabled = false; }
  });
  const v = (form, id) => form.querySelector(`#${id}`).value;
  submit(signIn, signInErrors, 'Not signed in', () => login(v(signIn, 'signin-email'), v(signIn, 'signin-password')));
  submit(signUp, signUpErrors, 'Not registered',
    () => register(v(signUp, 'register-email'), v(signUp, 'register-password'), v(signUp, 'register-name')));

  return {
    title: 'Sign in',
    el: h('div', { class: 'signin' }, h('h1', {}, 'Learning Platform'), h('div', { class: 'cards' }, signIn, signUp)),
    focus: () => signIn.querySelector('input').focus(),
  };
}
