// Instructor views: the course's live sessions (pushed by the hub as they change), and one session watched live or
// replayed. Learners and exercises show by name and title; their ids stay in links and data attributes.
import { api } from '../api.js';
import { connectHub, connectionIndicator } from '../hub.js';
import { monaco, createEditor, applyToModel, applyToText, languageOf } from '../editor.js';
import { renderMarkdown } from '../markdown.js';
import { testsPanel } from '../tests-panel.js';
import { h, link, formatMs } from '../ui.js';

const LIVE_WINDOW_MS = 30 * 60 * 1000; // as the hub's Workbench:LiveWindow default: older rows leave the table
const TICK_MS = 1000; // local clock of the "stuck for" and "ago" figures; no server call

const learnerName = s => s.learnerName ?? 'Unnamed learner';
const exerciseTitle = s => s.exerciseTitle ?? s.exerciseId;
const clock = at => new Date(at).toLocaleTimeString();
const count = (n, noun) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** "12 s ago", "3m 4s ago": how long since a time, for people. */
export function ago(at, now = Date.now()) {
  return `${formatMs(Math.max(0, now - new Date(at).getTime()))} ago`;
}

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
  // Refreshed in full when the connection comes back (pushes may have been missed meanwhile).
  const hub = connectHub({ onState: indicator.set, onReconnected: watchCourse });
  const conn = hub.connection;
  const sessions = new Map(); // sessionId -> { summary, receivedAt }: "stuck for" counts on from receivedAt

  const away = s => s.leftAt && new Date(s.leftAt) >= new Date(s.lastActivity);
  const stuck = ({ summary: s, receivedAt }, now) => (s.lastVerdict === 'passed' ? 'done' : formatMs(s.stuckForMs + now - receivedAt));

  function render() {
    const now = Date.now();
    for (const [id, { summary }] of sessions) if (now - new Date(summary.lastActivity) > LIVE_WINDOW_MS) sessions.delete(id);
    const rows = [...sessions.values()].sort((a, b) => bySeverity(a.summary, b.summary));
    body.replaceChildren(...(rows.length ? rows.map(entry => {
      const s = entry.summary;
      return h('tr', { dataset: { session: s.sessionId, user: s.userId, exercise: s.exerciseId } },
        h('td', {}, learnerName(s)),
        h('td', {}, exerciseTitle(s)),
        h('td', { class: s.errorCount ? 'bad' : '' }, String(s.errorCount)),
        h('td', { class: s.lastVerdict && s.lastVerdict !== 'passed' ? 'bad' : '' }, s.lastVerdict ?? '—'),
        h('td', { class: 'stuck' }, stuck(entry, now)),
        h('td', {}, away(s) ? `left at ${clock(s.leftAt)}` : clock(s.lastActivity)),
        h('td', {}, link(`/watch/${encodeURIComponent(s.sessionId)}`, 'Watch', { 'aria-label': `Watch ${learnerName(s)} on ${exerciseTitle(s)}` })));
    }) : [h('tr', {}, h('td', { colspan: 7 }, 'No one is working on this course right now.'))]));
  }

  function put(summaries) {
    const receivedAt = Date.now();
    for (const s of summaries) sessions.set(s.sessionId, { summary: s, receivedAt });
    render();
    updated.textContent = `Updated ${clock(receivedAt)}`;
  }

  async function watchCourse() {
    try {
      const list = await conn.invoke('WatchCourse', courseId);
      sessions.clear();
      put(list);
    } catch (e) {
      updated.textContent = `Could not load the sessions: ${e.message.replace(/^.*HubException: /, '')}`;
    }
  }

  conn.on('LiveSessions', update => { if (update.courseId === courseId) put(update.sessions); });
  await hub.start();
  await watchCourse();
  // Only the times move between pushes: the cells are rewritten, the rows (and the focus) stay.
  const ticker = setInterval(() => {
    const now = Date.now();
    for (const row of body.querySelectorAll('tr[data-session]')) {
      const entry = sessions.get(row.dataset.session);
      if (entry) row.querySelector('.stuck').textContent = stuck(entry, now);
    }
  }, TICK_MS);
  return {
    title: `${course.title} — live`,
    el: h('div', { class: 'dashboard' },
      h('header', { class: 'wb-head' }, link(`/courses/${encodeURIComponent(courseId)}`, '← Course'), h('h1', {}, `${course.title}: live sessions`), indicator.el),
      updated,
      h('table', { class: 'sessions' },
        h('caption', {}, 'Sessions active in the last 30 minutes, most in need of help first; updated as they change'),
        h('thead', {}, h('tr', {}, ['Learner', 'Exercise', 'Errors', 'Last verdict', 'Stuck for', 'Last activity', ''].map(t => h('th', { scope: 'col' }, t)))),
        body)),
    async dispose() {
      clearInterval(ticker);
      try { await conn.invoke('StopWatchingCourse', courseId); } catch { /* leaving anyway */ }
      await hub.stop();
    },
  };
}

export async function watchView(sessionId) {
  const indicator = connectionIndicator();
  const tests = testsPanel();
  const tabs = h('div', { class: 'tabs', role: 'group', 'aria-label': 'Files' });
  const editorHost = h('div', { class: 'editor', id: 'watch-editor' });
  const activity = h('span', { class: 'meta', id: 'watch-activity' });
  const sentHints = h('ol', { class: 'hints', id: 'sent-hints', 'aria-live': 'polite' });
  const releasedHints = h('ol', { class: 'hints', id: 'released-hints' });
  const hintText = h('textarea', { id: 'hint-text', rows: 3, maxlength: 2000, required: true });
  const hintStatus = h('p', { class: 'meta', role: 'status' });
  const hintForm = h('form', { class: 'hint-form', id: 'hint-form' },
    h('label', { for: 'hint-text' }, 'Send a hint'), hintText,
    h('button', { type: 'submit' }, 'Send hint'), hintStatus);
  // At the top of the view, above the editor: its controls and timeline are on screen without scrolling.
  const replayHost = h('section', { class: 'replay', 'aria-labelledby': 'replay-title', hidden: true });
  const replayButton = h('button', { type: 'button', id: 'replay-open' }, 'Replay session');

  let session = null;
  let version = 0;
  let lastActivity = null;
  let current = null;
  const models = new Map();
  const fileVersion = new Map(); // file -> version of its last edit, to drop stale markers
  const layerVersion = new Map();
  const hintsShown = new Set(); // "at|text" of the hints listed, so a push after the list is not shown twice
  const hub = connectHub({ onState: indicator.set, onReconnected: watch });
  const conn = hub.connection;
  const editor = createEditor(editorHost, { readOnly: true });

  function showActivity() {
    activity.textContent = lastActivity ? `last edit ${ago(lastActivity)}` : '';
    activity.title = `version ${version}`;
  }

  function load(snapshot) {
    session = snapshot;
    version = snapshot.version;
    lastActivity = snapshot.lastActivity ?? lastActivity;
    for (const f of snapshot.files) {
      fileVersion.set(f.name, f.version);
      const m = models.get(f.name);
      if (m) m.setValue(f.content);
      else models.set(f.name, monaco.editor.createModel(f.content, languageOf(snapshot.language), monaco.Uri.parse(`inmemory://watch/${f.name}`)));
    }
    current ??= snapshot.files[0]?.name;
    editor.setModel(models.get(current));
    showActivity();
    renderTabs();
    tests.last(snapshot.lastRun);
  }

  function renderTabs() {
    tabs.replaceChildren(...[...models.keys()].map(name => h('button', {
      type: 'button', class: 'tab', 'aria-pressed': String(name === current),
      onclick: () => { current = name; editor.setModel(models.get(name)); renderTabs(); },
    }, name)));
  }

  function addHint(hint) {
    const key = `${hint.at}|${hint.text}`;
    if (hintsShown.has(key)) return;
    hintsShown.add(key);
    sentHints.append(h('li', { class: 'hint' },
      h('time', { datetime: hint.at }, clock(hint.at)), hint.fromName ? ` — ${hint.fromName}` : '',
      h('div', { class: 'prose' }, renderMarkdown(hint.text))));
  }

  async function watch() {
    load(await conn.invoke('WatchSession', sessionId));
    for (const hint of await conn.invoke('ListHints', sessionId)) addHint(hint);
  }

  conn.on('Edited', n => {
    if (n.sessionId !== sessionId || n.edit.version <= version) return;
    if (n.edit.version !== version + 1) { watch(); return; } // missed one: take a fresh snapshot
    const m = models.get(n.edit.file);
    if (m) applyToModel(m, n.edit.changes);
    version = n.edit.version;
    lastActivity = n.edit.at;
    fileVersion.set(n.edit.file, version);
    showActivity();
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
  // Every watcher gets the hint as it is sent, this one's own included.
  conn.on('Hint', hint => { if (hint.sessionId === sessionId) addHint(hint); });

  hintForm.addEventListener('submit', async e => {
    e.preventDefault();
    const text = hintText.value.trim();
    if (!text) return;
    try {
      await conn.invoke('SendHint', sessionId, text);
      hintText.value = '';
      hintStatus.textContent = `Hint sent at ${clock(Date.now())}.`;
    } catch (err) {
      hintStatus.textContent = err.message.replace(/^.*HubException: /, '');
    }
  });

  let replay = null;
  replayButton.addEventListener('click', async () => {
    replayButton.disabled = true;
    try {
      replay?.dispose();
      replay = await replayPanel(conn, session, exercise, replayHost);
      replayHost.hidden = false;
      replayHost.querySelector('#replay-play')?.focus();
    } finally { replayButton.disabled = false; }
  });

  await hub.start();
  await watch();
  const q = encodeURIComponent;
  const [exercise, released] = await Promise.all([
    api(`/api/exercises/${q(session.exerciseId)}`),
    api(`/api/feedback/exercises/${q(session.exerciseId)}/hints?userId=${q(session.userId)}`).catch(() => null),
  ]);
  const learner = session.learnerName ?? 'Unnamed learner';
  releasedHints.replaceChildren(...(released?.hints ?? []).map(text => h('li', { class: 'hint prose' }, renderMarkdown(text))));
  const ticker = setInterval(showActivity, TICK_MS);

  return {
    title: `Watching ${learner}`,
    el: h('div', { class: 'watch', dataset: { session: sessionId, user: session.userId, exercise: session.exerciseId } },
      h('header', { class: 'wb-head' },
        link(`/teach/${q(session.courseId)}`, '← Live sessions'),
        h('h1', { id: 'watch-title' }, `${learner} — ${exercise.title}`), activity, replayButton, indicator.el),
      replayHost,
      h('div', { class: 'wb-body' },
        h('aside', { class: 'instructions', 'aria-label': 'Instructions and hints' },
          h('h2', {}, 'Instructions'), h('div', { class: 'prose', id: 'watch-instructions' }, renderMarkdown(exercise.instructions)),
          h('h2', {}, 'Hints sent'), sentHints, hintForm,
          h('h2', {}, 'Hints released to the learner'),
          released ? h('p', { class: 'meta' }, `${released.hints.length} of ${released.hints.length + released.hintsRemaining}`) : null, releasedHints),
        h('div', { class: 'wb-main' }, tabs, editorHost),
        tests.el)),
    async dispose() {
      clearInterval(ticker);
      replay?.dispose();
      editor.dispose();
      for (const m of models.values()) m.dispose();
      try { await conn.invoke('StopWatching', sessionId); } catch { /* leaving anyway */ }
      await hub.stop();
    },
  };
}

/** Where a run sits on a replay of these edits: after the last edit at or before its version (by time without one). */
export function runPosition(run, edits) {
  const after = run.atVersion ?? null;
  const k = after === null
    ? edits.findIndex(e => new Date(e.at) > new Date(run.startedAt))
    : edits.findIndex(e => e.version > after);
  return k < 0 ? edits.length : k;
}

/**
 * Replay from the starter files: a timeline slider over the recorded edits with the learner's runs marked on it
 * (coloured by verdict; a mark jumps there), play/pause and speed.
 */
async function replayPanel(conn, session, exercise, host) {
  const edits = [];
  const [runs] = await Promise.all([
    conn.invoke('ListRuns', session.sessionId),
    new Promise((resolve, reject) => conn.stream('ReplaySession', session.sessionId, null, null)
      .subscribe({ next: e => edits.push(e), complete: resolve, error: reject })),
  ]);

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
  const describe = (run, i) => {
    const outcome = run.verdict ?? run.status;
    return `${run.mode === 'submit' ? 'Submit' : 'Run'} ${i + 1}: ${outcome} at ${clock(run.finishedAt ?? run.startedAt)}`;
  };
  const marks = h('div', { class: 'replay-marks', id: 'replay-marks', role: 'group', 'aria-label': `Runs (${runs.length})` },
    runs.map((run, i) => {
      const k = runPosition(run, edits);
      const label = describe(run, i);
      return h('button', {
        type: 'button', class: 'run-mark', title: label, 'aria-label': label,
        dataset: { verdict: run.verdict ?? run.status, run: run.runId, position: String(k) },
        onclick: () => { stop(); show(k); },
      });
    }));
  host.replaceChildren(...[
    h('h2', { id: 'replay-title' }, `Replay (${count(edits.length, 'edit')}, ${count(runs.length, 'run')})`),
    trimmed ? h('p', { class: 'error' }, `The recorded history starts at version ${edits[0].version}; earlier edits were trimmed, so the replay is not exact.`) : null,
    h('div', { class: 'replay-controls' },
      play,
      h('label', { for: 'replay-slider' }, 'Timeline'),
      h('div', { class: 'replay-timeline' }, slider, marks),
      position,
      h('label', { for: 'replay-speed' }, 'Speed'), speed),
    editorHost].filter(Boolean));
  // Placed by CSSOM, not a style attribute (the CSP refuses inline styles): a mark sits where its edit is on the slider.
  for (const mark of marks.children) mark.style.left = `${edits.length ? (Number(mark.dataset.position) / edits.length) * 100 : 0}%`;
  const fileName = session.files[0]?.name;
  const model = monaco.editor.createModel(states[edits.length][fileName] ?? '', languageOf(session.language), monaco.Uri.parse(`inmemory://replay/${Date.now()}/${fileName}`));
  const editor = createEditor(editorHost, { readOnly: true });
  editor.setModel(model);

  let timer = null;
  function show(k) {
    slider.value = String(k);
    model.setValue(states[k][fileName] ?? '');
    const at = k > 0 ? clock(edits[k - 1].at) : 'start';
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
