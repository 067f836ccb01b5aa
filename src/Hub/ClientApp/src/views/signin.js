import { login, register } from '../api.js';
import { h } from '../ui.js';

export function signInView({ onSignedIn }) {
  const message = h('p', { class: 'error', role: 'alert' });
  const field = (id, label, type, autocomplete) => h('p', {},
    h('label', { for: id }, label),
    h('input', { id, name: id, type, autocomplete, required: true }));

  const signIn = h('form', { class: 'card', id: 'signin-form', 'aria-labelledby': 'signin-title' },
    h('h2', { id: 'signin-title' }, 'Sign in'),
    field('signin-email', 'Email', 'email', 'username'),
    field('signin-password', 'Password', 'password', 'current-password'),
    h('button', { type: 'submit' }, 'Sign in'));
  const signUp = h('form', { class: 'card', id: 'register-form', 'aria-labelledby': 'register-title' },
    h('h2', { id: 'register-title' }, 'Create an account'),
    field('register-name', 'Display name', 'text', 'name'),
    field('register-email', 'Email', 'email', 'email'),
    field('register-password', 'Password (12+ characters, letters and digits)', 'password', 'new-password'),
    h('button', { type: 'submit' }, 'Register'));

  const submit = (form, action) => form.addEventListener('submit', async e => {
    e.preventDefault();
    message.textContent = '';
    const button = form.querySelector('button');
    button.disabled = true;
    try { await action(); onSignedIn(); } catch (err) { message.textContent = err.message; } finally { button.disabled = false; }
  });
  const v = id => signIn.querySelector(`#${id}`)?.value ?? signUp.querySelector(`#${id}`).value;
  submit(signIn, () => login(v('signin-email'), v('signin-password')));
  submit(signUp, () => register(v('register-email'), v('register-password'), v('register-name')));

  return {
    title: 'Sign in',
    el: h('div', { class: 'signin' }, h('h1', {}, 'Learning Platform'), message, h('div', { class: 'cards' }, signIn, signUp)),
    focus: () => signIn.querySelector('input').focus(),
  };
}
