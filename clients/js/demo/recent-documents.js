// What the front page's list shows, as plain data: the query it asks, a row per document (its editor page, its type's
// label, its version and how long ago it changed), and the bookkeeping of modified times. No DOM and no ShareDB here,
// so Node's test runner checks it (test/unit/recent-documents.test.js).

/** The front page's query: the 50 most recently modified documents, newest first (docs/queries.md). */
export const RECENT_QUERY = Object.freeze({ $sort: Object.freeze({ '_m.mtime': -1 }), $limit: 50 });

/** The editor page for each type the demo opens; other types (json0) are listed without a link. */
const TYPE_PAGES = Object.freeze({
  'http://sharejs.org/types/text-unicode': { kind: 'd', label: 'text' },
  'http://sharejs.org/types/rich-text/v1': { kind: 'r', label: 'rich text' },
  'http://sharejs.org/types/JSONv0': { kind: null, label: 'json0' },
});

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * "just now", "42 s ago", "5 min ago", "3 h ago", "12 d ago", or the UTC date for anything a month old or more.
 * A time ahead of `now` (the server's clock ahead of the browser's) is "just now"; an unknown time is ''.
 */
export function relativeTime(thenMs, nowMs) {
  if (typeof thenMs !== 'number' || !Number.isFinite(thenMs)) return '';
  const age = nowMs - thenMs;
  if (age < 5 * SECOND) return 'just now';
  if (age < MINUTE) return `${Math.floor(age / SECOND)} s ago`;
  if (age < HOUR) return `${Math.floor(age / MINUTE)} min ago`;
  if (age < DAY) return `${Math.floor(age / HOUR)} h ago`;
  if (age < 30 * DAY) return `${Math.floor(age / DAY)} d ago`;
  return new Date(thenMs).toISOString().slice(0, 10);
}

/** The demo's page for a type URI: `{kind: 'd' | 'r' | null, label}`; an unknown URI is listed by its last segment. */
export function typePage(typeUri) {
  const known = TYPE_PAGES[typeUri];
  if (known) return known;
  const name = String(typeUri ?? 'unknown').split('/').filter(Boolean).at(-1) ?? 'unknown';
  return { kind: null, label: name };
}

/**
 * The list's rows, in the query's order. `docs` are `{id, version, typeUri}`; `times` is a ModifiedTimes; `search` is
 * the page's query string (kept on links, so a demo pointed at another server stays pointed at it) and `fragment`
 * what follows `#` on links (the access token, when the page was given one), or ''.
 */
export function listRows(docs, times, nowMs, { search = '', fragment = '' } = {}) {
  return docs.map((doc) => {
    const page = typePage(doc.typeUri);
    const mtime = times.get(doc.id);
    return {
      id: doc.id,
      version: doc.version,
      typeLabel: page.label,
      href: page.kind ? `/${page.kind}/${encodeURIComponent(doc.id)}${search}${fragment ? `#${fragment}` : ''}` : null,
      modified: relativeTime(mtime, nowMs),
      modifiedIso: typeof mtime === 'number' ? new Date(mtime).toISOString() : '',
    };
  });
}

/**
 * Each listed document's last-modified time (Unix ms) and the version it belongs to. The list learns them two ways:
 * from the server's HTTP query endpoint, whose answers carry `mtime` (the ShareDB client keeps no snapshot metadata),
 * and from ops seen live on the subscription, which happened just now. `wanted` says which documents to ask the
 * server about: those whose listed version has no time yet and has not been asked for already.
 */
export class ModifiedTimes {
  constructor() {
    /** id -> {version, mtime} */
    this.known = new Map();
    /** id -> the version last asked for, so a slow read model is not asked again and again for the same version */
    this.asked = new Map();
  }

  /** The time of the latest version known, or undefined. */
  get(id) {
    return this.known.get(id)?.mtime;
  }

  /** A time from the server; an answer older than what is known already is ignored. */
  learn(id, version, mtime) {
    const current = this.known.get(id);
    if (current && current.version > version) return;
    this.known.set(id, { version, mtime });
  }

  /** An op took `id` to `version` just now (seen on the subscription). */
  touched(id, version, nowMs) {
    this.learn(id, version, nowMs);
  }

  /** The ids among `docs` ({id, version}) to ask the server about; marks them asked. */
  wanted(docs) {
    const ids = [];
    for (const doc of docs) {
      if (this.known.get(doc.id)?.version === doc.version) continue;
      if (this.asked.get(doc.id) === doc.version) continue;
      this.asked.set(doc.id, doc.version);
      ids.push(doc.id);
    }
    return ids;
  }

  /** The server could not be asked about `ids` (offline, a failed request): ask again at the next chance. */
  unasked(ids) {
    for (const id of ids) this.asked.delete(id);
  }

  /** Forgets documents no longer listed, so the maps stay as small as the list. */
  keepOnly(ids) {
    const keep = new Set(ids);
    for (const id of this.known.keys()) if (!keep.has(id)) this.known.delete(id);
    for (const id of this.asked.keys()) if (!keep.has(id)) this.asked.delete(id);
  }
}

/**
 * The HTTP query endpoint beside a WebSocket URL: ws://host/ws -> http://host/api/docs/{collection}. Null when the
 * URL does not end in /ws (another server, such as a stock ShareDB peer, that has no such endpoint).
 */
export function queryEndpointFor(wsUrl, collection) {
  let url;
  try {
    url = new URL(wsUrl);
  } catch {
    return null;
  }
  if (!/\/ws\/?$/.test(url.pathname)) return null;
  const protocol = { 'ws:': 'http:', 'wss:': 'https:' }[url.protocol];
  if (!protocol) return null;
  return `${protocol}//${url.host}${url.pathname.replace(/\/ws\/?$/, '')}/api/docs/${encodeURIComponent(collection)}`;
}
