// One set of an exercise's files (starter, visible tests, reference solution): a name and a content editor per file.
import { h } from '../../ui.js';
import { field, group, input, textarea } from './form.js';

/** `key` is the request's field (`starterFiles`), `noun` names one file in labels ("Starter file"). */
export function fileSet(key, legend, noun, files, hint) {
  files = files.length ? files.map(f => ({ ...f })) : [{ name: '', content: '' }];
  const list = h('ol', { class: 'rows files' });

  function render(focus) {
    list.replaceChildren(...files.map((f, i) => h('li', { class: 'row file' },
      field(`${key}[${i}].name`, `${noun} ${i + 1} name`, input(f.name, { class: 'mono', maxlength: 100, autocomplete: 'off', id: `${key}-${i}-name`, oninput: e => { f.name = e.target.value; } })),
      field(`${key}[${i}].content`, `${noun} ${i + 1} content`, textarea(f.content, { class: 'code', min: 6, id: `${key}-${i}-content`, oninput: e => { f.content = e.target.value; } })),
      h('button', { type: 'button', 'aria-label': `Remove ${noun.toLowerCase()} ${i + 1}`, onclick: () => { files.splice(i, 1); render(); } }, 'Remove'))));
    if (focus !== undefined) document.getElementById(`${key}-${focus}-name`)?.focus();
  }
  render();

  const add = h('button', { type: 'button', onclick: () => { files.push({ name: '', content: '' }); render(files.length - 1); } }, `Add ${noun.toLowerCase()}`);
  return {
    el: group(key, legend, hint ? h('p', { class: 'meta' }, hint) : null, list, add),
    value: () => files.map(f => ({ name: f.name.trim(), content: f.content })),
    /** Replaces the files (e.g. the solution starting as a copy of the starter). */
    set(next) { files = next.map(f => ({ ...f })); render(); },
  };
}
