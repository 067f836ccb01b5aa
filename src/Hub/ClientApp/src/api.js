// REST through the gateway. The access token lives in this module's memory only; the refresh token is an HttpOnly
// cookie (path /api/auth/refresh, SameSite=Strict) that no script can read. localStorage keeps only a hint that a
// session may exist, so that a first visit does not ask for a refresh that cannot succeed.
const HINT = 'lp.session';
// Requests that use the refresh cookie carry this header (the server's CSRF check: cross-site forms cannot set it).
const COOKIE_REQUEST = { 'X-Requested-With': 'fetch' };
let auth = null; // { accessToken, expiresAt }
let refreshing = null;
localStorage.removeItem('lp.auth'); // where earlier versions kept both tokens

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `Request failed (${status})`);
    this.status = status;
    this.problem = problem;
  }
}

function save(tokens) {
  auth = tokens ? { accessToken: tokens.accessToken, expiresAt: Date.now() + (tokens.expiresIn ?? 900) * 1000 } : null;
  if (auth) localStorage.setItem(HINT, '1'); else localStorage.removeItem(HINT);
}

export const isSignedIn = () => auth !== null;

/** On page load: a session kept in the refresh cookie gets an access token again. */
export async function restoreSession() {
  if (!auth && localStorage.getItem(HINT)) await refresh();
}

/** Signs out here and on the server, which revokes every token of this sign-in and clears the cookie. */
export async function signOut() {
  const hadSession = auth !== null || localStorage.getItem(HINT) !== null;
  save(null);
  if (!hadSession) return;
  try {
    await fetch('/api/auth/refresh', { method: 'DELETE', headers: COOKIE_REQUEST });
  } catch { /* offline: the refresh token stays valid until it expires */ }
}

/** The access token, refreshed first when it expires within a minute (also the hub's accessTokenFactory). */
export async function accessToken() {
  if (!auth) return null;
  if (Date.now() < auth.expiresAt - 60_000) return auth.accessToken;
  return refresh();
}

// Tabs share the cookie, and a refresh token presented twice revokes its whole family: one refresh at a time across
// the browser's tabs (each then sends the cookie as the previous one left it).
const oneAtATime = fn => (navigator.locks ? navigator.locks.request('lp.refresh', fn) : fn());

function refresh() {
  refreshing ??= (async () => {
    try {
      const res = await oneAtATime(() => fetch('/api/auth/refresh', { method: 'POST', headers: COOKIE_REQUEST }));
      if (res.status === 401 || res.status === 403) { save(null); return null; }
      if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => null));
      save(await res.json());
      return auth.accessToken;
    } finally { refreshing = null; }
  })();
  return refreshing;
}

/** JSON in and out; with `contentType` the body (a File or Blob) is sent as it is. */
export async function api(path, { method = 'GET', body, contentType, anonymous = false } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = contentType ?? 'application/json';
  if (!anonymous) {
    const token = await accessToken();
    if (token) headers.Authorization = `Bearer ${token}`;
  }
  const res = await fetch(path, { method, headers, body: body === undefined || contentType ? body : JSON.stringify(body) });
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

export async function login(email, password) {
  // useCookies: the refresh token comes as the HttpOnly cookie, not in the body
  save(await api('/api/auth/login?useCookies=true', { method: 'POST', body: { email, password }, anonymous: true }));
}

export async function register(email, password, displayName) {
  await api('/api/auth/register', { method: 'POST', body: { email, password, displayName }, anonymous: true });
  await login(email, password);
}
