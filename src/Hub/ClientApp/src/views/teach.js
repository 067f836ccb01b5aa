// Instructor views: the course's live sessions, and one session watched live or replayed.
import { api } from '../api.js';
import { connectHub, connectionIndicator } from '../hub.js';
import { monaco, createEditor, applyToModel, applyToText, languageOf } from '../editor.js';
import { testsPanel } from '../tests-panel.js';
import { h, link, formatMs } from '../ui.js';

const REFRESH_MS = 3000;

/** Most in need of help first: errors, then a failing last run, then time stuck. */
export function bySeverity(a, b) {
  const failing = s => (s.lastVerdict && s.lastVerdict !== 'passed' ? 1 : 0);
  return b.errorCount - a.errorCount || failing(b) - failing(a) || b.stuckForMs - a.stuckForMs;
}

export async function dashboardView(courseId) {
  const course = await api(`/api/courses/${encodeURIComponent(courseId)}`);
  const indicator = connectionIndicator();
  const body = h('tbody', { id: 'live-sessions' });
  const updated = h('p', { class: 'meta', 'aria-live': 'off' });
  const hub = connectHub({ onState: indicator.set, onReconnected: refresh });
  let timer = null;

  async function refresh() {
    try {
      const sessions = await hub.connection.invoke('ListLiveSessions', courseId);
      sessions.sort(bySeverity);
      body.replaceChildren(...(sessions.length ? sessions.map(s => h('tr', { dataset: { session: s.sessionId } },
        h('td', {}, s.userId),
        h('td', {}, s.exerciseId),
        h('td', { class: s.errorCount ? 'bad' : '' }, String(s.errorCount)),
        h('td', { class: s.lastVerdict && s.lastVerdict !== 'passed' ? 'bad' : '' }, s.lastVerdict ?? '—'),
        h('td', {}, s.lastVerdict === 'passed' ? 'done' : formatMs(s.stuckForMs)),
        h('td', {}, new Date(s.lastActivity).toLocaleTimeString()),
        h('td', {}, link(`/watch/${encodeURIComponent(s.sessionId)}`, 'Watch', { 'aria-label': `Watch ${s.userId} on ${s.exerciseId}` }))))
        : [h('tr', {}, h('td', { colspan: 7 }, 'No one is working on this course right now.'))]));
      updated.textContent = `Updated ${new Date().toLocaleTimeString()}`;
    } catch (e) {
      updated.textContent = `Could not refresh: ${e.message}`;
    }
  }

  await hub.start();
  await refresh();
  timer = setInterval(refresh, REFRESH_MS);
  return {
    title: `${course.title} — live`,
    el: h('div', { class: 'dashboard' },
      h('header', { class: 'wb-head' }, link(`/courses/${encodeURIComponent(courseId)}`, '← Course'), h('h1', {}, `${course.title}: live sessions`), indicator.el),
      updated,
      h('table', { class: 'sessions' },
        h('caption', {}, 'Sessions active in the last 30 minutes, most in need of help first'),
        h('thead', {}, h('tr', {}, ['Learner', 'Exercise', 'Errors', 'Last verdict', 'Stuck for', 'Last activity', ''].map(t => h('th', { scope: 'col' }, t)))),
        body)),
    async dispose() { clearInterval(timer); await hub.stop(); },
  };
}

export async function watchView(sessionId) {
  const indicator = connectionIndicator();
  const tests = testsPanel();
  const tabs = h('div', { class: 'tabs', role: 'group', 'aria-label': 'Files' });
  const editorHost = h('div', { class: 'editor', id: 'watch-editor' });
  const versionLabel = h('span', { class: 'meta', id: 'watch-version' });
  const hintText = h('textarea', { id: 'hint-text', rows: 3, maxlength: 2000, required: true });
  const hintStatus = h('p', { class: 'meta', role: 'status' });
  const hintForm = h('form', { class: 'hint-form', id: 'hint-form' },
    h('label', { for: 'hint-text' }, 'Send a hint'), hintText,
    h('button', { type: 'submit' }, 'Send hint'), hintStatus);
  const replayHost = h('section', { class: 'replay', 'aria-labelledby': 'replay-title', hidden: true });
  const replayButton = h('button', { type: 'button', id: 'replay-open' }, 'Replay session');

  let session = null;
  let version = 0;
  let current = null;
  const models = new Map();
  const fileVersion = new Map(); // file -> version of its last edit, to drop stale markers
  const layerVersion = new Map();
  const hub = connectHub({ onState: indicator.set, onReconnected: watch });
  const conn = hub.connection;
  const editor = createEditor(editorHost, { readOnly: true });

  function load(snapshot) {
    session = snapshot;
    version = snapshot.version;
    for (const f of snapshot.files) {
      fileVersion.set(f.name, f.version);
      const m = models.get(f.name);
      if (m) m.setValue(f.content);
      else models.set(f.name, monaco.editor.createModel(f.content, languageOf(snapshot.language), monaco.Uri.parse(`inmemory://watch/${f.name}`)));
    }
    current ??= snapshot.files[0]?.name;
    editor.setModel(models.get(current));
    versionLabel.textContent = `version ${version}`;
    renderTabs();
    tests.last(snapshot.lastRun);
  }

  function renderTabs() {
    tabs.replaceChildren(...[...models.keys()].map(name => h('button', {
      type: 'button', class: 'tab', 'aria-pressed': String(name === current),
      onclick: () => { current = name; editor.setModel(models.get(name)); renderTabs(); },
    }, name)));
  }

  async function watch() { load(await conn.invoke('WatchSession', sessionId)); }

  conn.on('Edited', n => {
    if (n.sessionId !== sessionId || n.edit.version <= version) return;
    if (n.edit.version !== version + 1) { watch(); return; } // missed one: take a fresh snapshot
    const m = models.get(n.edit.file);
    if (m) applyToModel(m, n.edit.changes);
    version = n.edit.version;
    fileVersion.set(n.edit.file, version);
    versionLabel.textContent = `version ${version}`;
  });
  conn.on('Diagnostics', msg => {
    const m = models.get(msg.file);
    const key = `${msg.file}|${msg.layer}`;
    if (msg.sessionId !== sessionId || !m || msg.version < (fileVersion.get(msg.file) ?? 0) || msg.version < (layerVersion.get(key) ?? -1)) return;
    layerVersion.set(key, msg.version);
    monaco.editor.setModelMarkers(m, msg.layer, msg.markers);
  });
  conn.on('RunEvent', msg => { if (msg.sessionId === sessionId) tests.event(msg); });
  conn.on('SessionSnapshot', s => { if (s.sessionId === sessionId && s.version >= version) load(s); });

  hintForm.addEventListener('submit', async e => {
    e.preventDefault();
    const text = hintText.value.trim();
    if (!text) return;
    try {
      await conn.invoke('SendHint', sessionId, text);
      hintText.value = '';
      hintStatus.textContent = `Hint sent at ${new Date().toLocaleTimeString()}.`;
    } catch (err) {
      hintStatus.textContent = err.message.replace(/^.*HubException: /, '');
    }
  });

  let replay = null;
  replayButton.addEventListener('click', async () => {
    replayButton.disabled = true;
    try {
      replay?.dispose();
      replay = await replayPanel(conn, session, replayHost);
      replayHost.hidden = false;
    } finally { replayButton.disabled = false; }
  });

  await hub.start();
  await watch();
  const exercise = await api(`/api/exercises/${encodeURIComponent(session.exerciseId)}`);

  return {
    title: `Watching ${session.userId}`,
    el: h('div', { class: 'watch' },
      h('header', { class: 'wb-head' },
        link(`/teach/${encodeURIComponent(session.courseId)}`, '← Live sessions'),
        h('h1', {}, `${exercise.title} — learner ${session.userId}`), versionLabel, indicator.el),
      h('div', { class: 'wb-body' },
        h('aside', { class: 'instructions' }, hintForm, replayButton),
        h('div', { class: 'wb-main' }, tabs, editorHost),
        tests.el),
      replayHost),
    async dispose() {
      replay?.dispose();
      editor.dispose();
      for (const m of models.values()) m.dispose();
      try { await conn.invoke('StopWatching', sessionId); } catch { /* leaving anyway */ }
      await hub.stop();
    },
  };
}

/** Replay from the starter files: a timeline slider over the recorded edits, play/pause and speed. */
async function replayPanel(conn, session, host) {
  const exercise = await api(`/api/exercises/${encodeURIComponent(session.exerciseId)}`);
  const edits = [];
  await new Promise((resolve, reject) => conn.stream('ReplaySession', session.sessionId, null, null)
    .subscribe({ next: e => edits.push(e), complete: resolve, error: reject }));

  // States[k]: the files after k edits (only the edited file's text changes per step).
  const states = [Object.fromEntries(exercise.starterFiles.map(f => [f.name, f.content]))];
  const trimmed = edits.length > 0 && edits[0].version !== 1;
  for (const e of edits) {
    const prev = states[states.length - 1];
    states.push({ ...prev, [e.file]: applyToText(prev[e.file] ?? '', e.changes) });
  }

  const slider = h('input', { type: 'range', id: 'replay-slider', min: 0, max: edits.length, value: edits.length, step: 1 });
  const position = h('span', { id: 'replay-position', 'aria-live': 'off' });
  const play = h('button', { type: 'button', id: 'replay-play' }, 'Play');
  const speed = h('select', { id: 'replay-speed' }, [1, 2, 4, 8, 16].map(s => h('option', { value: s, selected: s === 4 }, `${s}×`)));
  const editorHost = h('div', { class: 'editor replay-editor', id: 'replay-editor' });
  const fileName = session.files[0]?.name;
  host.replaceChildren(...[
    h('h2', { id: 'replay-title' }, `Replay (${edits.length} edits)`),
    trimmed ? h('p', { class: 'error' }, `The recorded history starts at version ${edits[0].version}; earlier edits were trimmed, so the replay is not exact.`) : null,
    h('div', { class: 'replay-controls' },
      play,
      h('label', { for: 'replay-slider' }, 'Timeline'), slider, position,
      h('label', { for: 'replay-speed' }, 'Speed'), speed),
    editorHost].filter(Boolean));
  const model = monaco.editor.createModel(states[edits.length][fileName] ?? '', languageOf(session.language), monaco.Uri.parse(`inmemory://replay/${Date.now()}/${fileName}`));
  const editor = createEditor(editorHost, { readOnly: true });
  editor.setModel(model);

  let timer = null;
  function show(k) {
    slider.value = String(k);
    model.setValue(states[k][fileName] ?? '');
    const at = k > 0 ? new Date(edits[k - 1].at).toLocaleTimeString() : 'start';
    position.textContent = `${k} / ${edits.length} (${at})`;
  }
  function stop() { clearTimeout(timer); timer = null; play.textContent = 'Play'; }
  function step() {
    const k = Number(slider.value);
    if (k >= edits.length) { stop(); return; }
    show(k + 1);
    if (k + 1 >= edits.length) { stop(); return; } // at the end: Play again at once, not one tick later
    const gap = new Date(edits[k + 1].at) - new Date(edits[k].at);
    timer = setTimeout(step, Math.min(Math.max(gap, 16), 2000) / Number(speed.value));
  }
  play.addEventListener('click', () => {
    if (timer) { stop(); return; }
    if (Number(slider.value) >= edits.length) show(0);
    play.textContent = 'Pause';
    step();
  });
  slider.addEventListener('input', () => { stop(); show(Number(slider.value)); });
  show(edits.length);
  return { dispose() { stop(); editor.dispose(); model.dispose(); } };
}
