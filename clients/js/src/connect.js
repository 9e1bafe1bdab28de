// connect(url, options): a ShareDB client connection over a reconnecting WebSocket, with connection-state events
// and a heartbeat that notices a connection that died without a close (a laptop lid, a dropped Wi-Fi).
import ShareDB from 'sharedb/lib/client/index.js';
import { ReconnectingSocket } from './reconnecting-socket.js';
import { EMPTY_RICH_TEXT, registerRichTextType, RICH_TEXT_URI } from './rich-text-type.js';
import { registerTextUnicodeType, TEXT_UNICODE_URI } from './text-unicode-type.js';

/** Defaults: ping after 10 s without a message from the server, give the connection up 5 s later. */
export const DEFAULT_HEARTBEAT = Object.freeze({ intervalMs: 10_000, timeoutMs: 5_000 });

/** The states a CollabConnection reports, in the order a session usually meets them. */
export const CONNECTION_STATES = Object.freeze(['connecting', 'connected', 'reconnecting', 'offline', 'closed']);

/** Connects to a ShareDB-protocol server (CollabSuite's `/ws`, or a stock ShareDB server). */
export function connect(url, options = {}) {
  return new CollabConnection(url, options);
}

/** The document types openDocument creates: the type's URI and what a new document holds. */
const DOCUMENT_TYPES = Object.freeze({
  'text-unicode': { uri: TEXT_UNICODE_URI, empty: () => '' },
  'rich-text': { uri: RICH_TEXT_URI, empty: () => EMPTY_RICH_TEXT.map((op) => ({ ...op })) },
});

/** One client session: the ShareDB connection, its state, and the documents opened through it. */
export class CollabConnection {
  constructor(url, options = {}) {
    registerTextUnicodeType();
    registerRichTextType();
    this.listeners = new Set();
    this.state = 'connecting';
    this.heartbeat = { ...DEFAULT_HEARTBEAT, ...options.heartbeat };
    this.socket = new ReconnectingSocket(url, {
      backoff: options.backoff,
      WebSocket: options.WebSocket,
      onAttempt: (attempt, delayMs) => {
        if (this.state !== 'offline') this.setState('reconnecting', { attempt, delayMs });
      },
    });
    /** The unmodified ShareDB client connection: use it for anything this package does not wrap. */
    this.connection = new ShareDB.Connection(this.socket);
    this.connection.on('state', (state) => this.onShareDbState(state));
    // Errors ShareDB cannot attach to a request surface here; report them to the app instead of throwing them away.
    this.connection.on('error', (error) => this.emit({ type: 'error', error }));
    this.lastReceivedAt = Date.now();
    this.pingSentAt = null;
    this.connection.on('receive', () => {
      this.lastReceivedAt = Date.now();
      this.pingSentAt = null;
    });
    const tickMs = Math.max(50, Math.min(this.heartbeat.intervalMs, this.heartbeat.timeoutMs) / 2);
    this.heartbeatTimer = setInterval(() => this.checkHeartbeat(), tickMs);
    this.watchBrowserOnline(options.watchBrowserOnline ?? true);
  }

  /** Listens to `{type: 'state', state, attempt?, delayMs?}` and `{type: 'error', error}`; returns an unsubscribe. */
  on(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Subscribes to a document and creates it empty if it does not exist yet: `type` is 'text-unicode' (the default)
   * or 'rich-text' (created as Quill's empty document, one newline). Resolves with the ShareDB Doc once it has a type,
   * and rejects if the document exists with another type; two clients creating the same document at once is fine
   * (the loser loads the winner's).
   */
  openDocument(collection, id, { type = 'text-unicode' } = {}) {
    const wanted = DOCUMENT_TYPES[type];
    if (!wanted) return Promise.reject(new Error(`openDocument: type ${type} is not one of ${Object.keys(DOCUMENT_TYPES).join(', ')}`));
    const doc = this.connection.get(collection, id);
    const checkType = (resolve, reject) => {
      if (doc.type?.uri === wanted.uri) resolve(doc);
      else reject(new WrongDocumentTypeError(doc, type));
    };
    return new Promise((resolve, reject) => {
      doc.subscribe((error) => {
        if (error) return reject(error);
        if (doc.type) return checkType(resolve, reject);
        doc.create(wanted.empty(), wanted.uri, (createError) => {
          if (createError && createError.code !== 'ERR_DOC_ALREADY_CREATED') return reject(createError);
          if (doc.type) return checkType(resolve, reject);
          doc.once('load', () => checkType(resolve, reject));
        });
      });
    });
  }

  /** Closes the connection for good. */
  close() {
    clearInterval(this.heartbeatTimer);
    this.stopWatchingBrowserOnline?.();
    this.socket.close();
    this.setState('closed');
  }

  onShareDbState(state) {
    if (state === 'connected') this.setState('connected');
    else if (state === 'disconnected') this.setState(this.socket.paused ? 'offline' : 'reconnecting');
    else if (state === 'closed' || state === 'stopped') this.setState('closed');
  }

  checkHeartbeat() {
    if (this.connection.state !== 'connected') return;
    const now = Date.now();
    if (this.pingSentAt !== null) {
      if (now - this.pingSentAt >= this.heartbeat.timeoutMs) {
        this.pingSentAt = null;
        this.socket.reconnect('heartbeat timeout');
      }
    } else if (now - this.lastReceivedAt >= this.heartbeat.intervalMs) {
      this.pingSentAt = now;
      this.connection.ping();
    }
  }

  watchBrowserOnline(enabled) {
    const target = globalThis.window;
    if (!enabled || !target?.addEventListener) return;
    const goOffline = () => {
      this.socket.pause();
      this.setState('offline');
    };
    const goOnline = () => {
      if (this.state === 'offline') this.setState('reconnecting', { attempt: 0, delayMs: 0 });
      this.socket.resume();
    };
    target.addEventListener('offline', goOffline);
    target.addEventListener('online', goOnline);
    this.stopWatchingBrowserOnline = () => {
      target.removeEventListener('offline', goOffline);
      target.removeEventListener('online', goOnline);
    };
    if (globalThis.navigator?.onLine === false) goOffline();
  }

  setState(state, detail = {}) {
    if (this.state === 'closed') return;
    if (state === this.state && state !== 'reconnecting') return;
    this.state = state;
    this.emit({ type: 'state', state, ...detail });
  }

  emit(event) {
    for (const listener of this.listeners) listener(event);
  }
}

/** openDocument found the document with another type than asked for (`actualType` is its URI, or null). */
export class WrongDocumentTypeError extends Error {
  constructor(doc, expectedType) {
    super(`Document ${doc.collection}/${doc.id} has type ${doc.type?.uri ?? 'none'}, not ${expectedType}`);
    this.name = 'WrongDocumentTypeError';
    this.expectedType = expectedType;
    this.actualType = doc.type?.uri ?? null;
  }
}
