// Every request the editor makes goes through `call`, so headers (JSON, CSRF token) live in one place.

/** The CSRF token the page was rendered with, when the server sends one. */
export function csrfToken() {
  return document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? null;
}

/** Sends JSON, answers parsed JSON; a refusal throws an Error with `status`, `code` and `details`. */
export async function call(method, url, body) {
  const headers = {};
  if (body) headers['Content-Type'] = 'application/json';
  const token = csrfToken();
  if (token) headers['X-CSRF-Token'] = token;
  const res = await fetch(url, { method, headers, body: body ? JSON.stringify(body) : undefined, credentials: 'same-origin' });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    const err = new Error(data?.error?.message || `${res.status} ${res.statusText}`);
    err.status = res.status;
    err.code = data?.error?.code;
    err.details = data?.error?.details;
    throw err;
  }
  return data;
}

/** The article and the side panel re-rendered by the server for the given part. */
export async function fetchFragment(docId, part) {
  // The layer filter (?layers=, editors) stays as the page was opened.
  const params = new URLSearchParams();
  if (part > 1) params.set('part', String(part));
  const layers = new URLSearchParams(location.search).getAll('layers').join(',');
  if (layers) params.set('layers', layers);
  const q = params.toString() ? `?${params}` : '';
  const res = await fetch(`/documents/${encodeURIComponent(docId)}/fragment${q}`, { credentials: 'same-origin' });
  if (!res.ok) throw Object.assign(new Error(`could not reload the document (${res.status})`), { status: res.status });
  return res.json();
}

/** A refusal as a sentence a reviewer understands, never a raw server message with ids in it. */
export function sentenceFor(err, what = 'change') {
  if (err.status === 409 && err.details?.latestRev) return `The document changed elsewhere (it is now at revision ${err.details.latestRev}). Reload to see the latest text; your ${what} was not saved.`;
  if (err.status === 404 && what === 'suggestion') return 'That suggestion is no longer open (it was accepted, rejected or the text changed). The list is up to date now.';
  if (err.status === 404) return 'That label no longer exists: someone may have deleted it. The list is up to date now.';
  if (err.status === 401 || err.status === 403) return 'You are not signed in any more (or may not do this). Sign in again, then retry.';
  if (err.status === 413) return 'That is more than this document may hold.';
  if (err.status >= 500 || !err.status) return `The server could not save your ${what}; nothing was changed. Try again in a moment.`;
  const m = String(err.message || '').trim();
  return m ? `${m[0].toUpperCase()}${m.slice(1)}${/[.!?]$/.test(m) ? '' : '.'}` : `Your ${what} was refused.`;
}
