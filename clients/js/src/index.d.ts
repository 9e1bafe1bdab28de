// Type declarations for @collabsuite/client (the package is plain JavaScript ES modules).
import type { AnnotationType, ChangeSet, Extension, Text } from '@codemirror/state';

/** A text-unicode op: a number skips code points, a string inserts, {d} deletes (a count or the deleted text). */
export type TextOpComponent = number | string | { d: number | string };
export type TextOp = TextOpComponent[];

/** What an editor publishes as presence: code points; index is the anchor, index + length the caret. */
export interface CursorPresence {
  index: number;
  length?: number;
  name?: string;
  color?: string;
}

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'offline' | 'closed';

export type ConnectionEvent =
  | { type: 'state'; state: ConnectionState; attempt?: number; delayMs?: number }
  | { type: 'error'; error: Error };

export interface BackoffOptions {
  /** First retry delay in ms (default 500). */
  initialDelayMs?: number;
  /** Largest delay in ms (default 30000). */
  maxDelayMs?: number;
  /** Growth per attempt (default 2). */
  factor?: number;
  /** Random spread as a fraction of the delay (default 0.2). */
  jitter?: number;
}

export interface HeartbeatOptions {
  /** Ping after this many ms without a message from the server (default 10000). */
  intervalMs?: number;
  /** Give the connection up this many ms after an unanswered ping (default 5000). */
  timeoutMs?: number;
}

export interface ConnectOptions {
  backoff?: BackoffOptions;
  heartbeat?: HeartbeatOptions;
  /** A WebSocket class, for Node (e.g. the `ws` package); browsers use their own. */
  WebSocket?: unknown;
  /** Pause reconnecting while the browser reports it is offline, retry at once when online (default true). */
  watchBrowserOnline?: boolean;
}

/** The ShareDB client types are not bundled with sharedb 7; these are the parts this package relies on. */
export interface ShareDbDoc {
  collection: string;
  id: string;
  version: number | null;
  type: { name: string; uri: string } | null;
  data: string;
  submitOp(op: TextOp, options?: { source?: unknown }, callback?: (error?: Error) => void): void;
  on(event: string, listener: (...args: any[]) => void): this;
  off(event: string, listener: (...args: any[]) => void): this;
  [key: string]: any;
}

export interface ShareDbDocPresence {
  remotePresences: Record<string, CursorPresence | null>;
  subscribe(callback?: (error?: Error) => void): void;
  create(id?: string): { submit(value: CursorPresence | null, callback?: (error?: Error) => void): void; destroy(callback?: (error?: Error) => void): void };
  on(event: 'receive', listener: (id: string, value: CursorPresence | null) => void): this;
  [key: string]: any;
}

export interface ShareDbConnection {
  state: string;
  get(collection: string, id: string): ShareDbDoc;
  getDocPresence(collection: string, id: string): ShareDbDocPresence;
  [key: string]: any;
}

export declare const CONNECTION_STATES: readonly ConnectionState[];
export declare const DEFAULT_HEARTBEAT: Readonly<Required<HeartbeatOptions>>;
export declare const DEFAULT_BACKOFF: Readonly<Required<BackoffOptions>>;

/** Connects to a ShareDB-protocol server (CollabSuite's /ws or a stock ShareDB server), reconnecting with backoff. */
export declare function connect(url: string, options?: ConnectOptions): CollabConnection;

export declare class CollabConnection {
  constructor(url: string, options?: ConnectOptions);
  /** The unmodified ShareDB client connection. */
  readonly connection: ShareDbConnection;
  readonly state: ConnectionState;
  readonly socket: ReconnectingSocket;
  /** Listens to state changes and errors; returns a function that stops listening. */
  on(listener: (event: ConnectionEvent) => void): () => void;
  /** Subscribes to a text-unicode document, creating it empty if it does not exist. */
  openDocument(collection: string, id: string): Promise<ShareDbDoc>;
  close(): void;
}

/** A WebSocket-shaped object that reopens its WebSocket with exponential backoff. */
export declare class ReconnectingSocket {
  constructor(url: string, options?: { backoff?: BackoffOptions; WebSocket?: unknown; onAttempt?: (attempt: number, delayMs: number) => void });
  readonly readyState: number;
  readonly paused: boolean;
  send(data: string): void;
  close(): void;
  reconnect(reason?: string): void;
  pause(): void;
  resume(): void;
}

export declare function backoffDelay(attempt: number, options?: BackoffOptions, random?: () => number): number;

export interface CollabEditingOptions {
  /** From connection.getDocPresence(collection, id), subscribed; without it no cursors are shared. */
  presence?: ShareDbDocPresence;
  /** Shown to the others next to this editor's caret. color is #rrggbb. */
  user?: { name: string; color: string };
  presenceId?: string;
  /** Failed submits (ShareDB has rolled the document back by then); default console.error. */
  onError?: (error: Error) => void;
}

/** The CodeMirror extension binding an editor to a subscribed text-unicode doc. Create the state with doc: doc.data. */
export declare function collabEditing(doc: ShareDbDoc, options?: CollabEditingOptions): Extension;
/** Annotation on transactions that carry remote ops. */
export declare const remoteChange: AnnotationType<boolean>;

export declare function changeSetToOp(changes: ChangeSet, startDoc: Text): TextOp;
export declare function opToChanges(op: TextOp, doc: Text): Array<{ from: number; to: number; insert: string }>;

export declare function codePointLength(text: string): number;
export declare function utf16ToCodePointOffset(text: string, utf16Offset: number): number;
export declare function codePointToUtf16Offset(text: string, codePointOffset: number): number;

export interface RemoteCursor { id: string; anchor: number; head: number; name: string; color: string }
export declare function selectionToPresence(text: string, anchor: number, head: number, user: { name: string; color: string }): Required<CursorPresence>;
export declare function presenceToCursor(id: string, value: unknown, text: string): RemoteCursor | null;
export declare function colorForId(id: string): string;
export declare const CURSOR_COLORS: readonly string[];

export declare const TEXT_UNICODE_URI: 'http://sharejs.org/types/text-unicode';
export declare const textUnicodeType: { name: string; uri: string; transformPresence(presence: CursorPresence | null, op: TextOp, isOwnOp?: boolean): CursorPresence | null; [key: string]: any };
export declare function transformPosition(position: number, op: TextOp, isOwnOp?: boolean): number;
export declare function transformPresence<P extends CursorPresence | null>(presence: P, op: TextOp, isOwnOp?: boolean): P;
export declare function registerTextUnicodeType(): void;
