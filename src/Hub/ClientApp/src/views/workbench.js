// The learner's workbench: Monaco bound to a hub session.
import { api } from '../api.js';
import { connectHub, connectionIndicator } from '../hub.js';
import { monaco, createEditor, applyToModel, languageOf } from '../editor.js';
import { testsPanel } from '../tests-panel.js';
import { gradingBadge, h, link } from '../ui.js';
import { renderMarkdown } from '../markdown.js';

const MIN_SEND_INTERVAL_MS = 60; // under the hub's 20 edits/s with room to spare

export async function workbenchView(exerciseId) {
  const opened = performance.now();
  const exercise = await api(`/api/exercises/${encodeURIComponent(exerciseId)}`);
  const indicator = connectionIndicator();
  const tests = testsPanel();
  const hints = h('ol', { class: 'hints', id: 'hints', 'aria-live': 'polite' });
  // Shown with the first hint an instructor sends; the list itself is in the page from the start (a live region).
  const instructorHintsHeading = h('h2', { id: 'instructor-hints-heading', hidden: true }, 'Hints from your instructor');
  const tabs = h('div', { class: 'tabs', role: 'group', 'aria-label': 'Files' });
  const editorHost = h('div', { class: 'editor', id: 'editor' });
  const runButton = h('button', { type: 'button', id: 'run', disabled: true }, 'Run');
  const submitButton = h('button', { type: 'button', id: 'submit', disabled: true, class: 'primary' }, 'Submit');
  const problem = h('p', { class: 'error', role: 'alert' });
  // The author's hints, released one at a time on request (each counts against "passed without hints").
  const exerciseHints = h('ol', { class: 'hints', id: 'exercise-hints', 'aria-live': 'polite' });
  const hintButton = h('button', { type: 'button', id: 'hint-button' });
  const showHints = (released, left) => {
    exerciseHints.replaceChildren(...released.map(text => h('li', { class: 'hint prose' }, renderMarkdown(text))));
    hintButton.textContent = left > 0 ? `Show a hint (${left} left)` : 'No hints left';
    hintButton.disabled = left <= 0;
    hintButton.hidden = released.length + left === 0;
  };
  showHints(exercise.hints ?? [], (exercise.hintsTotal ?? 0) - (exercise.hints?.length ?? 0));
  hintButton.addEventListener('click', async () => {
    hintButton.disabled = true;
    try {
      const r = await api(`/api/feedback/exercises/${encodeURIComponent(exerciseId)}/hints/next`, { method: 'POST' });
      showHints(r.hints, r.hintsRemaining);
    } catch (e) {
      problem.textContent = e.message;
      hintButton.disabled = false;
    }
  });
  // After a pass: the first recommended exercise other than this one, with the recommender's reason. The list is
  // read once and then kept current by the hub's Recommendations messages (it is recomputed after a submission).
  const next = h('section', { class: 'next card', id: 'next-exercise', 'aria-live': 'polite', hidden: true });
  let recommendations = null;
  let passed = false;
  const showNext = () => {
    const item = recommendations?.find(r => r.exerciseId !== exerciseId);
    next.hidden = !passed || !item;
    if (next.hidden) return;
    next.replaceChildren(h('h2', {}, 'Next exercise'),
      h('p', {}, link(`/exercises/${encodeURIComponent(item.exerciseId)}`, item.title, { id: 'next-link' })),
      h('p', { class: 'meta', id: 'next-reason' }, item.reason));
  };

  const el = h('div', { class: 'workbench' },
    h('header', { class: 'wb-head' },
      link(`/courses/${encodeURIComponent(exercise.courseId)}`, '← Course'),
      h('h1', {}, exercise.title),
      gradingBadge(exercise.graded),
      indicator.el),
    h('div', { class: 'wb-body' },
      h('aside', { class: 'instructions', 'aria-label': 'Instructions' },
        h('h2', {}, 'Instructions'), h('div', { class: 'prose', id: 'instructions-text' }, renderMarkdown(exercise.instructions)),
        h('h2', {}, 'Hints'), exerciseHints, hintButton,
        instructorHintsHeading, hints),
      h('div', { class: 'wb-main' },
        tabs, editorHost,
        h('div', { class: 'actions' }, runButton, submitButton, problem),
        next,
        h('p', { class: 'meta', id: 'run-vs-submit' }, exercise.graded
          ? 'Run tries your code on the visible tests; Submit also runs the hidden checks and counts for your progress.'
          : 'Run tries your code on the visible tests; Submit runs them too and counts for your progress (no hidden checks here).'),
        h('ul', { class: 'meta keys', id: 'shortcuts', 'aria-label': 'Keyboard shortcuts' },
          h('li', {}, h('kbd', {}, 'Ctrl+Enter'), ' Run'),
          h('li', {}, h('kbd', {}, 'Ctrl+Shift+Enter'), ' Submit'),
          h('li', {}, h('kbd', {}, 'Ctrl+M'), ' lets Tab leave the editor'),
          h('li', {}, h('kbd', {}, 'F8'), ' next problem'))),
      tests.el));

  // Session state: the version of the last acknowledged edit, and per file the text the hub has.
  let session = null;
  let version = 0;
  const models = new Map(); // file -> model
  const sent = new Map(); // file -> text as of the last acknowledged edit
  const dirty = new Map(); // file -> Monaco change events not sent yet ([null] forces a whole diff)
  const layerVersion = new Map(); // `${file}|${layer}` -> version of the markers shown
  const fileVersion = new Map(); // file -> session version of its last acknowledged edit
  let remote = false; // true while applying the hub's text, so it is not echoed back
  let inFlight = false;
  let scheduled = false;
  let lastSend = 0;
  let disposed = false;

  const editor = createEditor(editorHost);
  const hub = connectHub({ onState: s => { indicator.set(s); setButtons(); }, onReconnected: resume });
  const conn = hub.connection;

  function setButtons() {
    const ok = session && conn.state === 'Connected';
    runButton.disabled = submitButton.disabled = !ok;
  }

  function load(snapshot) {
    session = snapshot;
    version = snapshot.version;
    remote = true;
    try {
      for (const f of snapshot.files) {
        let model = models.get(f.name);
        if (!model) {
          model = monaco.editor.createModel(f.content, languageOf(snapshot.language), monaco.Uri.parse(`inmemory://session/${f.name}`));
          model.onDidChangeContent(e => { if (!remote) { (dirty.get(f.name) ?? dirty.set(f.name, []).get(f.name)).push(e.changes); schedule(); } });
          models.set(f.name, model);
        } else if (model.getValue() !== f.content) {
          model.pushEditOperations([], [{ range: model.getFullModelRange(), text: f.content }], () => null);
        }
        sent.set(f.name, f.content);
        fileVersion.set(f.name, f.version);
      }
      for (const t of snapshot.visibleTests) {
        if (!models.has(t.name)) models.set(t.name, monaco.editor.createModel(t.content, languageOf(snapshot.language), monaco.Uri.parse(`inmemory://tests/${t.name}`)));
      }
    } finally { remote = false; }
    dirty.clear();
    renderTabs();
  }

  // Takes the hub's snapshot but keeps this editor's text of the files in `keep` (typed while disconnected or refused,
  // or acknowledged edits the hub's store lost), to be sent again as one whole difference.
  function adopt(snapshot, keep) {
    const local = new Map([...keep].map(name => [name, models.get(name).getValue()]));
    load(snapshot);
    remote = true;
    try {
      for (const [name, text] of local) {
        const m = models.get(name);
        if (m.getValue() !== text) { m.pushEditOperations([], [{ range: m.getFullModelRange(), text }], () => null); dirty.set(name, [null]); }
      }
    } finally { remote = false; }
  }

  function renderTabs() {
    const current = editor.getModel();
    tabs.replaceChildren(...[...models.entries()].map(([name, model]) => {
      const isTest = !session.files.some(f => f.name === name);
      return h('button', {
        type: 'button', 'aria-pressed': String(model === current), class: 'tab',
        onclick: () => { editor.setModel(model); editor.updateOptions({ readOnly: isTest }); renderTabs(); editor.focus(); },
      }, name + (isTest ? ' (read only)' : ''));
    }));
  }

  function schedule() {
    if (scheduled || disposed) return;
    scheduled = true;
    requestAnimationFrame(() => {
      const wait = lastSend + MIN_SEND_INTERVAL_MS - performance.now();
      if (wait > 0) setTimeout(flush, wait); else flush();
    });
  }

  // One edit in flight at a time; everything typed meanwhile goes out as the next edit.
  async function flush() {
    scheduled = false;
    if (inFlight || dirty.size === 0 || conn.state !== 'Connected' || !session) return;
    const [file, events] = dirty.entries().next().value;
    dirty.delete(file);
    const model = models.get(file);
    const text = model.getValue();
    const changes = events.length === 1 && events[0]
      ? events[0].map(c => ({ rangeOffset: c.rangeOffset, rangeLength: c.rangeLength, text: c.text }))
      : [diff(sent.get(file), text)];
    inFlight = true;
    lastSend = performance.now();
    try {
      const result = await conn.invoke('ApplyEdits', session.sessionId, file, version, changes);
      if (result.accepted) {
        version = result.version;
        sent.set(file, text);
        fileVersion.set(file, result.version);
      } else if (result.restored) {
        adopt(result.snapshot, new Set([...models.keys()].filter(name => sent.has(name)))); // the hub lost the session: ours is newer
      } else if (result.snapshot) {
        load(result.snapshot); // the hub's text wins; typing since is dropped
      }
      problem.textContent = '';
    } catch (e) {
      // Refused (rate limit) or the connection dropped: send the whole difference later.
      dirty.set(file, [null]);
      problem.textContent = conn.state === 'Connected' ? e.message.replace(/^.*HubException: /, '') : '';
      await new Promise(r => setTimeout(r, 300));
    } finally {
      inFlight = false;
    }
    if (dirty.size) schedule();
  }

  async function resume() {
    if (!session || disposed) return;
    const result = await conn.invoke('Resume', session.sessionId, version);
    if (result.snapshot) {
      const ahead = version > result.snapshot.version;
      adopt(result.snapshot, new Set([...models.keys()].filter(name => sent.has(name) && (dirty.has(name) || ahead))));
    } else if (result.edits.length) {
      remote = true;
      try {
        for (const edit of result.edits) { const m = models.get(edit.file); if (m) applyToModel(m, edit.changes); }
      } finally { remote = false; }
      version = result.version;
      for (const [name, m] of models) if (sent.has(name)) sent.set(name, m.getValue());
    }
    setButtons();
    schedule();
  }

  conn.on('Diagnostics', msg => {
    if (!session || msg.sessionId !== session.sessionId) return;
    const model = models.get(msg.file);
    const key = `${msg.file}|${msg.layer}`;
    // Stale: older than markers already shown, or than the file's latest acknowledged text.
    if (!model || msg.version < (layerVersion.get(key) ?? -1) || msg.version < (fileVersion.get(msg.file) ?? 0)) return;
    layerVersion.set(key, msg.version);
    monaco.editor.setModelMarkers(model, msg.layer, msg.markers);
  });
  conn.on('RunEvent', msg => {
    if (!session || msg.sessionId !== session.sessionId) return;
    tests.event(msg);
    const e = JSON.parse(msg.eventJson);
    if (e.type === 'finished' && e.result.verdict === 'passed' && !passed) {
      passed = true;
      showNext();
      api('/api/recommendations/me').then(r => { recommendations ??= r.items; showNext(); }, () => { /* the hub's push may still come */ });
    }
  });
  conn.on('Recommendations', update => { recommendations = update.items; showNext(); });
  conn.on('Hint', hint => {
    instructorHintsHeading.hidden = false;
    hints.append(h('li', { class: 'hint' }, h('time', { datetime: hint.at }, new Date(hint.at).toLocaleTimeString()), ' ', h('div', { class: 'prose' }, renderMarkdown(hint.text))));
  });
  conn.on('SessionSnapshot', snapshot => {
    if (!session || snapshot.sessionId !== session.sessionId) return;
    if (snapshot.version > version && !inFlight && dirty.size === 0) load(snapshot);
    tests.last(snapshot.lastRun);
  });

  async function run(mode) {
    problem.textContent = '';
    tests.start(null, mode); // clears the previous result at once
    try {
      // Send what is typed first, so the run sees it.
      while (dirty.size || inFlight) { if (!inFlight) await flush(); else await new Promise(r => setTimeout(r, 20)); }
      const runId = await conn.invoke(mode === 'submit' ? 'Submit' : 'Run', session.sessionId);
      tests.start(runId, mode);
    } catch (e) {
      problem.textContent = e.message.replace(/^.*HubException: /, '');
    }
  }
  runButton.addEventListener('click', () => run('run'));
  submitButton.addEventListener('click', () => run('submit'));
  // In the editor these are Monaco commands (Enter would otherwise insert a line first); elsewhere on the page, keys.
  editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () => { if (!runButton.disabled) run('run'); });
  editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyMod.Shift | monaco.KeyCode.Enter, () => { if (!submitButton.disabled) run('submit'); });
  el.addEventListener('keydown', e => {
    if (e.defaultPrevented || !(e.ctrlKey || e.metaKey) || e.key !== 'Enter') return;
    e.preventDefault();
    if (!runButton.disabled) run(e.shiftKey ? 'submit' : 'run');
  });

  await hub.start();
  load(await conn.invoke('OpenExercise', exerciseId));
  editor.setModel(models.get(session.files[0].name));
  renderTabs();
  tests.last(session.lastRun);
  setButtons();
  const interactiveMs = Math.round(performance.now() - opened);
  window.__lp = { ...window.__lp, editor, monaco, session: () => session, version: () => version, synced: () => dirty.size === 0 && !inFlight, drop: () => hub.drop(), interactiveMs };
  el.dataset.ready = 'true';

  return {
    title: exercise.title,
    el,
    focus: () => { editor.layout(); editor.focus(); },
    async dispose() {
      disposed = true;
      editor.dispose();
      for (const m of models.values()) m.dispose();
      await hub.stop();
    },
  };
}

/** The single change turning `before` into `after` (common prefix and suffix kept). */
function diff(before, after) {
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let end = 0;
  while (end < max - start && before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end)) end++;
  return { rangeOffset: start, rangeLength: before.length - start - end, text: after.slice(start, after.length - end) };
}
