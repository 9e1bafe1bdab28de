// The demo's front page (`/`): create a document or open one by name, and the documents of the demo's collection
// most recently modified first, kept up to date as people create and edit them (a subscribe query; a fetch query
// re-run every few seconds on a server that serves only those; a plain message on a server that lists nothing).
import { watchQuery } from './recent-feed.js';
import { listRows, ModifiedTimes, queryEndpointFor, RECENT_QUERY } from './recent-documents.js';

/** How often the "… ago" column is redrawn while nothing changes; how long new rows gather for one time lookup. */
const RELATIVE_TIME_REFRESH_MS = 10_000;
const TIME_LOOKUP_DELAY_MS = 200;
/** How long a row that was just created or edited stays marked. */
const CHANGED_MARK_MS = 3000;
const LIST_STATES = {
  loading: 'Loading…',
  live: 'Live',
  offline: 'Offline — the list resumes when the connection is back',
  polling: 'Refreshed every few seconds (this server does not serve this page a subscribe query now)',
  unsupported: 'This server does not list documents (its queries are turned off). '
    + 'You can still open or create a document by name above.',
  failed: 'The list could not be loaded; trying again…',
};

/**
 * Shows the front page in `app`. `client` is a CollabConnection (its connection lists the documents), `serverUrl` the
 * WebSocket URL it uses (the HTTP query endpoint beside it gives modified times), `token` the access token or null,
 * `openDocument(name, kind)` goes to an editor page, `isDocumentName(name)` checks a name, and `newName()` makes one.
 */
export function showFrontPage(app, { client, serverUrl, collection, token, openDocument, isDocumentName, newName }) {
  document.title = 'CollabSuite';
  app.innerHTML = `
    <main class="landing front">
      <h1>CollabSuite</h1>
      <p>Shared documents: open one, send its address to others, and type together. Everyone's cursor shows up
         with their name.</p>
      <div class="create">
        <button id="new-doc" type="button">Create a new document</button>
        <button id="new-rich-doc" class="secondary" type="button">Create a new rich-text document</button>
      </div>
      <p class="or">or open one by name (it is created if there is none)</p>
      <form id="open-doc">
        <input id="doc-name" name="name" placeholder="meeting-notes" autocomplete="off" aria-label="Document name">
        <select id="doc-kind" name="kind" aria-label="Document type">
          <option value="d">Text</option>
          <option value="r">Rich text</option>
        </select>
        <button class="secondary" type="submit">Open</button>
      </form>
      <div class="error" id="doc-error" role="alert"></div>
      <section class="recent" data-state="loading" aria-labelledby="recent-title">
        <div class="recent-head">
          <h2 id="recent-title">Recent documents</h2>
          <span class="recent-state" role="status">Loading…</span>
        </div>
        <table>
          <thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col" class="num">Version</th><th scope="col">Modified</th></tr></thead>
          <tbody></tbody>
        </table>
        <p class="recent-empty" hidden>No documents yet: create one above.</p>
      </section>
    </main>`;
  app.querySelector('#new-doc').addEventListener('click', () => openDocument(newName(), 'd'));
  app.querySelector('#new-rich-doc').addEventListener('click', () => openDocument(newName(), 'r'));
  app.querySelector('#open-doc').addEventListener('submit', (event) => {
    event.preventDefault();
    const name = app.querySelector('#doc-name').value.trim();
    if (!isDocumentName(name)) {
      app.querySelector('#doc-error').textContent = 'A document name is 1 to 100 letters, digits, dots, dashes or underscores.';
      return;
    }
    openDocument(name, app.querySelector('#doc-kind').value);
  });

  const list = new RecentList(app.querySelector('.recent'), {
    endpoint: queryEndpointFor(serverUrl, collection),
    token,
    // Links keep ?server= and the like, and carry the token the way this page got it (see main.js).
    search: location.search,
    fragment: token ? `token=${encodeURIComponent(token)}` : '',
  });
  const feed = watchQuery(client.connection, collection, RECENT_QUERY, {
    onChange: (docs, touched) => list.update(docs, touched),
    onStatus: (status, error) => {
      const log = status === 'failed' ? console.error : console.info;
      if (error) log(`recent documents: ${error.code ?? ''} ${error.message}`);
      list.showStatus(status);
    },
  });
  // For the end-to-end tests and for poking at the demo from the browser console.
  window.collabFront = { client, feed, list };
}

/** The table of recent documents: draws the rows, asks the server for the modified times it does not know. */
class RecentList {
  constructor(section, { endpoint, token, search, fragment }) {
    this.section = section;
    this.body = section.querySelector('tbody');
    this.empty = section.querySelector('.recent-empty');
    this.state = section.querySelector('.recent-state');
    this.endpoint = endpoint;
    this.token = token;
    this.links = { search, fragment };
    this.times = new ModifiedTimes();
    this.docs = null;
    /** id -> version as last drawn, to mark what changed since; id -> until when its row is marked */
    this.drawn = new Map();
    this.marked = new Map();
    this.lookupTimer = null;
    this.unmarkTimer = null;
    setInterval(() => this.draw(), RELATIVE_TIME_REFRESH_MS);
  }

  showStatus(status) {
    this.section.dataset.state = status;
    this.state.textContent = LIST_STATES[status] ?? status;
    if (status === 'unsupported') {
      this.docs = [];
      this.draw();
    }
  }

  update(docs, touched) {
    const now = Date.now();
    for (const { id, version } of touched) this.times.touched(id, version, now);
    // Rows new or at a new version since the last drawing are marked for a moment (not on the first drawing).
    if (this.docs) {
      for (const doc of docs) {
        if (this.drawn.get(doc.id) !== doc.version) this.marked.set(doc.id, now + CHANGED_MARK_MS);
      }
    }
    this.docs = docs;
    this.times.keepOnly(docs.map((doc) => doc.id));
    this.draw();
    this.scheduleTimeLookup();
  }

  draw() {
    if (!this.docs) return;
    const now = Date.now();
    for (const [id, until] of this.marked) if (until <= now) this.marked.delete(id);
    const rows = listRows(this.docs, this.times, now, this.links);
    this.body.replaceChildren(...rows.map((row) => rowElement(row, this.marked.has(row.id))));
    this.empty.hidden = rows.length > 0 || this.section.dataset.state === 'unsupported';
    this.drawn = new Map(this.docs.map((doc) => [doc.id, doc.version]));
    if (this.marked.size > 0 && !this.unmarkTimer) {
      this.unmarkTimer = setTimeout(() => {
        this.unmarkTimer = null;
        this.draw();
      }, Math.max(0, Math.min(...this.marked.values()) - now));
    }
  }

  scheduleTimeLookup() {
    if (!this.endpoint || this.lookupTimer) return;
    this.lookupTimer = setTimeout(() => {
      this.lookupTimer = null;
      this.lookUpTimes().catch((error) => console.error(`modified times: ${error.message}`));
    }, TIME_LOOKUP_DELAY_MS);
  }

  /** The times the list lacks, from GET /api/docs/{collection}?q={_id: {$in: [...]}} (the answer carries mtime). */
  async lookUpTimes() {
    const ids = this.times.wanted(this.docs ?? []);
    if (ids.length === 0) return;
    const query = { _id: { $in: ids }, $limit: ids.length };
    let response;
    try {
      response = await fetch(`${this.endpoint}?q=${encodeURIComponent(JSON.stringify(query))}`, {
        headers: this.token ? { Authorization: `Bearer ${this.token}` } : {},
      });
    } catch (error) {
      this.times.unasked(ids);
      throw error;
    }
    if (response.status === 404) {
      // Queries are off there, or it is not CollabHost: the list goes without times.
      this.endpoint = null;
      return;
    }
    if (!response.ok) {
      this.times.unasked(ids);
      throw new Error(`${response.status} ${response.statusText}`);
    }
    const answer = await response.json();
    for (const doc of answer.docs ?? []) {
      if (typeof doc.mtime === 'number') this.times.learn(doc.d, doc.v, doc.mtime);
    }
    this.draw();
  }
}

function rowElement(row, changed) {
  const tr = document.createElement('tr');
  tr.dataset.id = row.id;
  if (changed) tr.className = 'changed';
  const name = document.createElement('td');
  name.className = 'doc-id';
  if (row.href) {
    const link = document.createElement('a');
    link.href = row.href;
    link.textContent = row.id;
    name.append(link);
  } else {
    name.textContent = row.id;
    name.title = 'The demo has no editor for this type';
  }
  const type = document.createElement('td');
  type.className = 'doc-type';
  type.textContent = row.typeLabel;
  const version = document.createElement('td');
  version.className = 'doc-version num';
  version.textContent = String(row.version);
  const modified = document.createElement('td');
  modified.className = 'doc-modified';
  if (row.modifiedIso) {
    const time = document.createElement('time');
    time.dateTime = row.modifiedIso;
    time.title = row.modifiedIso;
    time.textContent = row.modified;
    modified.append(time);
  }
  tr.append(name, type, version, modified);
  return tr;
}
