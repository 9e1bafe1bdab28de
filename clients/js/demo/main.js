// The demo editor CollabHost serves at `/`: a front page to create or open a document that lists the recent ones live
// (front-page.js); `/d/{name}`, a shared CodeMirror editor on a text-unicode document; and `/r/{name}`, a shared Quill
// editor on a rich-text document. Both editors show everyone's cursors, who is here, and the connection state. Built
// into src/CollabHost/wwwroot/app.js by scripts/build-demo.mjs.
import { basicSetup } from 'codemirror';
import { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import Quill from 'quill';
import QuillCursors from 'quill-cursors';
import { bindQuill, collabEditing, colorForId, connect, CURSOR_COLORS, WrongDocumentTypeError } from '../src/index.js';
import { showFrontPage } from './front-page.js';

Quill.register('modules/cursors', QuillCursors);

const COLLECTION = 'docs';
const DOCUMENT_NAME = /^[\p{L}\p{N}._-]{1,100}$/u;
const STATE_LABELS = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  offline: 'Offline — edits are kept and sent when back',
  closed: 'Disconnected',
};
/** The two kinds of page: the path prefix, the document type it opens, and how it mounts its editor. */
const EDITORS = {
  d: { type: 'text-unicode', label: 'text', mount: mountCodeMirror },
  r: { type: 'rich-text', label: 'rich text', mount: mountQuill },
};
const QUILL_TOOLBAR = [
  [{ header: [1, 2, 3, false] }],
  ['bold', 'italic', 'underline', 'strike'],
  [{ list: 'ordered' }, { list: 'bullet' }],
  ['blockquote', 'code-block', 'link'],
  ['clean'],
];
const NAMES = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Ken', 'Margaret', 'Donald', 'Frances', 'Niklaus'];

const app = document.getElementById('app');
const params = new URLSearchParams(location.search);
const token = takeTokenFromFragment();
const match = location.pathname.match(/^\/(d|r)\/([^/]+)\/?$/);
if (match) openEditor(decodeURIComponent(match[2]), match[1]);
else showLanding();

function showLanding() {
  const serverUrl = params.get('server') ?? defaultServerUrl();
  const client = connect(withToken(serverUrl, token));
  client.on((event) => {
    if (event.type === 'error') console.error(event.error);
  });
  showFrontPage(app, {
    client,
    serverUrl,
    collection: COLLECTION,
    token,
    openDocument: goToDocument,
    isDocumentName: (name) => DOCUMENT_NAME.test(name),
    newName: () => `doc-${randomId(8)}`,
  });
}

function goToDocument(name, kind) {
  // Keep ?server= and the like, so a demo pointed at another server stays pointed at it, and hand the token on the
  // way this page got it.
  location.assign(`/${kind}/${encodeURIComponent(name)}${location.search}${tokenFragment()}`);
}

/** `#token=…` for links to the demo's other pages when this page was given a token, else ''. */
function tokenFragment() {
  return token ? `#token=${encodeURIComponent(token)}` : '';
}

async function openEditor(name, kind) {
  const editorKind = EDITORS[kind];
  if (!DOCUMENT_NAME.test(name)) {
    app.innerHTML = '<main class="landing"><h1>Not a document name</h1><p></p><a href="/">Back</a></main>';
    app.querySelector('p').textContent = `"${name}" is not 1 to 100 letters, digits, dots, dashes or underscores.`;
    return;
  }
  document.title = `${name} — CollabSuite`;
  const user = loadUser();
  app.innerHTML = `
    <header class="topbar">
      <a class="brand" href="/">CollabSuite</a>
      <span class="doc-name"></span>
      <span class="spacer"></span>
      <div class="people" aria-label="Who is here"></div>
      <input class="me-name" aria-label="Your name" maxlength="40">
      <span class="status" data-state="connecting" role="status">Connecting…</span>
    </header>
    <main class="editor"><p class="loading">Opening the document…</p></main>`;
  app.querySelector('.doc-name').textContent = name;
  // Back to the front page (its list) with the same server and token.
  app.querySelector('.brand').href = `/${location.search}${tokenFragment()}`;
  const status = app.querySelector('.status');
  const people = app.querySelector('.people');
  const nameInput = app.querySelector('.me-name');
  nameInput.value = user.name;

  const client = connect(withToken(params.get('server') ?? defaultServerUrl(), token));
  const showState = (state) => {
    status.dataset.state = state;
    status.textContent = STATE_LABELS[state] ?? state;
  };
  client.on((event) => {
    if (event.type === 'state') showState(event.state);
    if (event.type === 'error') console.error(event.error);
  });
  showState(client.state);

  const editor = app.querySelector('.editor');
  let doc;
  try {
    doc = await client.openDocument(COLLECTION, name, { type: editorKind.type });
  } catch (error) {
    if (!(error instanceof WrongDocumentTypeError)) throw error;
    showWrongType(editor, name, kind);
    return;
  }
  const presence = client.connection.getDocPresence(COLLECTION, name);
  await new Promise((resolve, reject) => presence.subscribe((error) => (error ? reject(error) : resolve())));

  editor.innerHTML = '';
  const mounted = editorKind.mount(editor, doc, presence, user);

  const showPeople = () => {
    people.replaceChildren(personChip(user.name, user.color, true));
    for (const [id, value] of Object.entries(presence.remotePresences)) {
      if (value) people.appendChild(personChip(value.name, value.color, false, id));
    }
  };
  presence.on('receive', showPeople);
  showPeople();

  nameInput.addEventListener('change', () => {
    const newName = nameInput.value.trim().slice(0, 40);
    if (!newName) return;
    user.name = newName;
    localStorage.setItem('collabsuite.name', newName);
    showPeople();
    // Republish the selection so others see the new name now rather than at the next cursor move.
    mounted.republishSelection();
  });

  // For the end-to-end tests and for poking at the demo from the browser console.
  window.collabDemo = { client, doc, presence, user, ...mounted };
}

/** A CodeMirror editor on a text-unicode document. */
function mountCodeMirror(parent, doc, presence, user) {
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: doc.data,
      extensions: [basicSetup, EditorView.lineWrapping, collabEditing(doc, { presence, user })],
    }),
  });
  view.focus();
  return { view, republishSelection: () => view.dispatch({ selection: view.state.selection }) };
}

/** A Quill editor (snow theme, its stylesheet loaded on demand) on a rich-text document. */
function mountQuill(parent, doc, presence, user) {
  const stylesheet = document.createElement('link');
  stylesheet.rel = 'stylesheet';
  stylesheet.href = '/quill.snow.css';
  document.head.appendChild(stylesheet);
  const host = document.createElement('div');
  parent.classList.add('rich');
  parent.appendChild(host);
  const quill = new Quill(host, {
    theme: 'snow',
    placeholder: 'Write together…',
    modules: {
      toolbar: QUILL_TOOLBAR,
      // Undo takes back only this editor's changes; the binding draws the cursors and publishes the selection.
      history: { userOnly: true },
      cursors: { selectionChangeSource: null, hideDelayMs: 5000 },
    },
  });
  const binding = bindQuill(quill, doc, { presence, user });
  quill.focus();
  return { quill, binding, republishSelection: () => binding.republishSelection() };
}

/** The name is taken by a document of the other type: say so and link to the page that opens it. */
function showWrongType(editor, name, kind) {
  const other = kind === 'd' ? 'r' : 'd';
  editor.innerHTML = '<p class="loading"></p>';
  const message = editor.querySelector('p');
  message.append(`"${name}" is a ${EDITORS[other].label} document. `);
  const link = document.createElement('a');
  link.href = `/${other}/${encodeURIComponent(name)}${location.search}${tokenFragment()}`;
  link.textContent = `Open it as ${EDITORS[other].label}`;
  message.append(link);
}

function personChip(name, color, isMe, id = '') {
  const chip = document.createElement('span');
  chip.className = isMe ? 'person me' : 'person';
  const dot = document.createElement('span');
  dot.className = 'dot';
  dot.style.backgroundColor = /^#[0-9a-fA-F]{6}$/.test(color ?? '') ? color : colorForId(id);
  chip.append(dot, document.createTextNode(isMe ? `${name} (you)` : String(name ?? 'Anonymous').slice(0, 40)));
  return chip;
}

function loadUser() {
  const stored = localStorage.getItem('collabsuite.name');
  const name = params.get('name') ?? stored ?? `${NAMES[Math.floor(Math.random() * NAMES.length)]} ${randomId(2)}`;
  if (!stored) localStorage.setItem('collabsuite.name', name);
  const color = CURSOR_COLORS[Math.floor(Math.random() * CURSOR_COLORS.length)];
  return { name, color };
}

/**
 * A host with authentication on wants an access token on the WebSocket upgrade; a browser can only put it in the
 * URL. The demo takes it from the page's fragment (/d/notes#token=…): a fragment never goes to a server or into a
 * Referer, and it is removed from the address bar at once, so copying the link to share the document does not
 * share the token. Links between the demo's pages (the front page's list, its create and open buttons, the editor's
 * way back) hand it on in their fragment the same way: copying one of those links does copy the token.
 */
function takeTokenFromFragment() {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const value = fragment.get('token');
  if (value === null) return null;
  fragment.delete('token');
  const rest = fragment.toString();
  history.replaceState(null, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
  return value;
}

function withToken(serverUrl, accessToken) {
  if (!accessToken) return serverUrl;
  const url = new URL(serverUrl);
  url.searchParams.set('token', accessToken);
  return url.toString();
}

function defaultServerUrl() {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}

function randomId(length) {
  const alphabet = 'abcdefghijkmnpqrstuvwxyz23456789';
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}
