// One SignalR connection to /hubs/workbench per view, with a connection indicator and a resume hook.
import { HubConnectionBuilder, HubConnectionState, LogLevel } from '@microsoft/signalr';
import { accessToken } from './api.js';

export function connectHub({ onState, onReconnected }) {
  const connection = new HubConnectionBuilder()
    .withUrl('/hubs/workbench', { accessTokenFactory: async () => (await accessToken()) ?? '' })
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: ctx => Math.min(500 * 2 ** ctx.previousRetryCount, 5000) })
    .configureLogging(LogLevel.None)
    .build();
  let stopped = false;
  const state = s => {
    (window.__lpStates ??= []).push(s); // the connection's history, for tests and debugging
    onState?.(s);
  };
  connection.onreconnecting(() => state('reconnecting'));
  connection.onreconnected(async () => { state('connected'); await onReconnected?.(); });
  connection.onclose(() => { if (!stopped) { state('offline'); retry(); } });

  // After automatic reconnection gives up, keep trying at a slow pace.
  async function retry() {
    while (!stopped && connection.state === HubConnectionState.Disconnected) {
      try {
        await connection.start();
        state('connected');
        await onReconnected?.();
        return;
      } catch {
        await new Promise(r => setTimeout(r, 3000));
      }
    }
  }

  return {
    connection,
    async start() { state('connecting'); await connection.start(); state('connected'); },
    async stop() { stopped = true; await connection.stop(); },
    /** Drops the transport without stopping, to exercise resume (tests use it through window.__lp). */
    drop() { connection.connection?.transport?.stop?.(); },
  };
}

/** Renders the indicator: a live region so screen readers hear the change. */
export function connectionIndicator() {
  const el = document.createElement('span');
  el.id = 'connection';
  el.className = 'connection';
  el.setAttribute('role', 'status');
  el.setAttribute('aria-live', 'polite');
  const labels = { connecting: 'Connecting…', connected: 'Connected', reconnecting: 'Reconnecting…', offline: 'Offline — retrying' };
  const set = s => { el.dataset.state = s; el.textContent = labels[s] ?? s; };
  set('connecting');
  return { el, set };
}
