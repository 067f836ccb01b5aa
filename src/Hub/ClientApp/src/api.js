// REST through the gateway, with the access token kept fresh by the refresh token.
const KEY = 'lp.auth';
let auth = JSON.parse(localStorage.getItem(KEY) || 'null');
let refreshing = null;

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `Request failed (${status})`);
    this.status = status;
    this.problem = problem;
  }
}

function save(tokens) {
  auth = tokens ? { ...tokens, expiresAt: Date.now() + (tokens.expiresIn ?? 900) * 1000 } : null;
  if (auth) localStorage.setItem(KEY, JSON.stringify(auth)); else localStorage.removeItem(KEY);
}

export const isSignedIn = () => auth !== null;

export function signOut() { save(null); }

/** The access token, refreshed first when it expires within a minute (also the hub's accessTokenFactory). */
export async function accessToken() {
  if (!auth) return null;
  if (Date.now() < auth.expiresAt - 60_000) return auth.accessToken;
  refreshing ??= (async () => {
    try {
      const res = await fetch('/api/auth/refresh', {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ refreshToken: auth.refreshToken }),
      });
      if (!res.ok) { save(null); return null; }
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
  save(await api('/api/auth/login', { method: 'POST', body: { email, password }, anonymous: true }));
}

export async function register(email, password, displayName) {
  await api('/api/auth/register', { method: 'POST', body: { email, password, displayName }, anonymous: true });
  await login(email, password);
}
