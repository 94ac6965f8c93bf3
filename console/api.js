// The console's calls to Eddy's HTTP API: /ksql for statements, /queries/<id>/progress for a
// query's figures, /processing-log and /topics for the log panel and topic sizes, /query-stream
// for SELECTs. With a token, each carries it as a Bearer header, the same check every API route
// makes (http-api.ts). The token comes from the page's fragment
// (#token=…, never sent to the server) or the login field, and is kept in sessionStorage only.

const TOKEN_KEY = 'eddy.console.token';

export class AuthError extends Error {
  constructor() {
    super('the server wants a token');
  }
}

export class ApiError extends Error {
  constructor(message, body) {
    super(message);
    this.body = body;
  }
}

/** Moves a token in the URL's fragment into sessionStorage and off the address bar. */
export function takeTokenFromUrl() {
  const params = new URLSearchParams(location.hash.slice(1));
  const t = params.get('token');
  if (t === null) return;
  sessionStorage.setItem(TOKEN_KEY, t);
  params.delete('token');
  const rest = params.toString();
  history.replaceState(null, '', location.pathname + location.search + (rest ? `#${rest}` : ''));
}

export function setToken(t) {
  if (t) sessionStorage.setItem(TOKEN_KEY, t);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** The token, and X-Requested-With so a refusal comes without a Basic challenge (no browser login dialog). */
function authHeaders() {
  const t = sessionStorage.getItem(TOKEN_KEY);
  return { 'X-Requested-With': 'eddy-console', ...(t ? { Authorization: `Bearer ${t}` } : {}) };
}

async function call(path, init = {}) {
  const res = await fetch(path, { ...init, headers: { ...authHeaders(), ...(init.headers ?? {}) } });
  if (res.status === 401) throw new AuthError();
  const text = await res.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    throw new ApiError(`${res.status}: ${text.slice(0, 200)}`, null);
  }
  if (!res.ok) throw new ApiError(body?.message ?? `${res.status} ${res.statusText}`, body);
  return body;
}

/** Runs statements on /ksql; resolves to ksqlDB's list of response entities. */
export function ksql(sql) {
  return call('/ksql', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/vnd.ksql.v1+json' },
    body: JSON.stringify({ ksql: sql }),
  });
}

/** The processing log's newest entries, newest first: { entries: [{ loggedAt, queryId, topic, partition, offset, reason }] }. */
export function processingLog(limit = 200) {
  return call(`/processing-log?limit=${limit}`);
}

/** Every topic with its partitions and records (the sum of its partitions' end offsets). */
export function topics() {
  return call('/topics');
}

export function serverInfo() {
  return call('/info');
}

/** A query's progress (Spark's StreamingQueryProgress shape), or null once the query is gone. */
export async function progress(id) {
  try {
    return await call(`/queries/${encodeURIComponent(id)}/progress`);
  } catch (e) {
    if (e instanceof ApiError && e.body?.error_code === 40400) return null;
    throw e;
  }
}

/**
 * Runs a SELECT on /query-stream (ksqlDB's delimited shape: a header line, then one JSON array per
 * row). Calls onHeader once, onRow per row; resolves when the query ends. Aborting `signal` hangs
 * up, which ends the query on the server.
 */
export async function queryStream(sql, properties, { onHeader, onRow, signal }) {
  const res = await fetch('/query-stream', {
    method: 'POST',
    headers: { ...authHeaders(), 'Content-Type': 'application/json', Accept: 'application/vnd.ksqlapi.delimited.v1' },
    body: JSON.stringify({ sql, properties }),
    signal,
  });
  if (res.status === 401) throw new AuthError();
  if (!res.ok) {
    const text = await res.text();
    let message = text;
    try {
      message = JSON.parse(text).message ?? text;
    } catch {}
    throw new ApiError(message, null);
  }
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  let headerSeen = false;
  for (;;) {
    let chunk;
    try {
      chunk = await reader.read();
    } catch (e) {
      if (signal?.aborted) return;
      throw e;
    }
    if (chunk.done) break;
    buf += decoder.decode(chunk.value, { stream: true });
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (!line) continue;
      const v = JSON.parse(line);
      if (!headerSeen) {
        headerSeen = true;
        onHeader(v);
      } else if (Array.isArray(v)) onRow(v);
      else if (v && v['@type'] === 'generic_error') throw new ApiError(v.message, v);
    }
  }
}
