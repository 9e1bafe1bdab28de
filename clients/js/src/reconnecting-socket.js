// A WebSocket-shaped object that reopens its underlying WebSocket after it closes, waiting with exponential backoff.
// ShareDB's client binds to one socket object for its whole life and reads readyState/onopen/onclose/onmessage from
// it; handing it this object makes every reconnect look like the same socket reopening, which is what lets the
// client resend its id in the handshake, resubscribe and resend unacknowledged ops.
import { backoffDelay, DEFAULT_BACKOFF } from './backoff.js';

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 3;

/** Reopens a WebSocket to `url` with backoff; `close()` stops it for good. */
export class ReconnectingSocket {
  /**
   * @param {string} url
   * @param {{backoff?: object, WebSocket?: typeof WebSocket, onAttempt?: (attempt: number, delayMs: number) => void}} options
   */
  constructor(url, options = {}) {
    this.url = url;
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.WebSocketImpl = options.WebSocket ?? globalThis.WebSocket;
    if (typeof this.WebSocketImpl !== 'function') throw new TypeError('No WebSocket implementation: pass options.WebSocket');
    this.onAttempt = options.onAttempt ?? (() => {});
    this.readyState = CONNECTING;
    this.onopen = null;
    this.onclose = null;
    this.onmessage = null;
    this.onerror = null;
    this.attempt = 0;
    this.stopped = false;
    this.paused = false;
    this.retryTimer = null;
    this.socket = null;
    this.open();
  }

  send(data) {
    if (this.readyState !== OPEN) throw new Error('Cannot send: the socket is not open');
    this.socket.send(data);
  }

  /** Closes the socket for good: no more reconnects. ShareDB reads the 'closed' reason as a deliberate close. */
  close() {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const socket = this.socket;
    this.socket = null;
    if (socket) detach(socket).close();
    this.readyState = CLOSED;
    this.onclose?.('closed');
  }

  /** Drops the current socket (e.g. a dead connection found by the heartbeat) and reconnects with backoff. */
  reconnect(reason = 'dropped') {
    if (this.stopped) return;
    const socket = this.socket;
    if (socket) {
      this.socket = null;
      detach(socket).close();
      this.lost({ reason });
    } else if (this.retryTimer === null) {
      this.scheduleRetry();
    }
  }

  /** Stops retrying while the browser reports it is offline; `resume()` tries again at once. */
  pause() {
    this.paused = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.reconnect('offline');
  }

  resume() {
    if (this.stopped || !this.paused) return;
    this.paused = false;
    this.attempt = 0;
    if (!this.socket) {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
      this.open();
    }
  }

  open() {
    this.retryTimer = null;
    this.readyState = CONNECTING;
    const socket = new this.WebSocketImpl(this.url);
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      this.readyState = OPEN;
      this.onopen?.();
    };
    socket.onmessage = (event) => this.onmessage?.(event);
    socket.onerror = (event) => this.onerror?.(event);
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.lost(event);
    };
  }

  lost(event) {
    const wasOpen = this.readyState === OPEN;
    this.readyState = CLOSED;
    // ShareDB moves to 'disconnected' on any reason other than 'closed'/'stopped' and keeps unacknowledged ops.
    if (wasOpen) this.onclose?.(event);
    this.scheduleRetry();
  }

  scheduleRetry() {
    if (this.stopped || this.paused) return;
    this.attempt++;
    const delay = backoffDelay(this.attempt, this.backoff);
    this.onAttempt(this.attempt, delay);
    this.retryTimer = setTimeout(() => this.open(), delay);
  }
}

function detach(socket) {
  socket.onopen = socket.onmessage = socket.onerror = socket.onclose = null;
  return socket;
}
