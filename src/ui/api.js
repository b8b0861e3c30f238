/**
 * The page's one door to the API. The key is kept in sessionStorage: it lives as long as the tab,
 * is never written to localStorage (which outlives the tab) nor to the URL (which lands in history
 * and server logs), and leaves the browser only in the Authorization header.
 */
const KEY_ITEM = 'reposync.apiKey';

export const keyStore = {
  get: () => sessionStorage.getItem(KEY_ITEM),
  set: (key) => sessionStorage.setItem(KEY_ITEM, key),
  clear: () => sessionStorage.removeItem(KEY_ITEM),
};

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export const authHeaders = (key) => ({ authorization: `Bearer ${key}` });

/** GET a JSON resource; a non-2xx answer becomes an ApiError carrying the API's own message. */
export async function getJson(path, key, signal) {
  const response = await fetch(path, { headers: { ...authHeaders(key), accept: 'application/json' }, cache: 'no-store', signal });
  if (!response.ok) throw new ApiError(response.status, await errorMessage(response));
  return response.json();
}

async function errorMessage(response) {
  try {
    const body = await response.json();
    if (body && typeof body.message === 'string') return body.message;
  } catch {
    // Not JSON (a proxy's error page): the status line says enough.
  }
  return `${response.status} ${response.statusText}`;
}
