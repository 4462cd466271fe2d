// The page's data calls. The analyst key comes from the URL fragment (#key=…, which a browser never sends to a
// server) or the form, lives in sessionStorage (gone with the tab) and travels only as `Authorization: Bearer`.
const KEY_ITEM = 'kairos.analystKey';

/** Moves a key from the fragment into sessionStorage and removes it from the address bar and history. */
export function takeKeyFromFragment() {
  const match = /(?:^#|&)key=([^&]*)/.exec(location.hash);
  if (!match) return;
  const key = decodeURIComponent(match[1]);
  if (key) sessionStorage.setItem(KEY_ITEM, key);
  history.replaceState(null, '', location.pathname + location.search);
}

export function setKey(key) {
  if (key) sessionStorage.setItem(KEY_ITEM, key);
  else sessionStorage.removeItem(KEY_ITEM);
}

export function hasKey() {
  return sessionStorage.getItem(KEY_ITEM) !== null;
}

/** A refused or failed data call; `status` is the HTTP status. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** GET a JSON answer; a non-2xx answer throws ApiError with the problem's detail. */
export async function getJson(path) {
  const key = sessionStorage.getItem(KEY_ITEM);
  const headers = { accept: 'application/json' };
  if (key) headers.authorization = `Bearer ${key}`;
  const res = await fetch(path, { headers, cache: 'no-store', credentials: 'omit' });
  if (!res.ok) {
    let detail = res.statusText;
    try {
      detail = (await res.json()).detail ?? detail;
    } catch {
      // not a problem body
    }
    throw new ApiError(res.status, detail);
  }
  return res.json();
}

/**
 * Like getJson, but an endpoint this server does not have (404) or that has nothing to say yet resolves to null,
 * so a chart of an optional feature says "not available" instead of breaking the page. 401/403 still throw.
 */
export async function getOptional(path) {
  try {
    return await getJson(path);
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 409)) return null;
    throw error;
  }
}
