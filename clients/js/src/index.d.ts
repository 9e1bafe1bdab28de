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

/** One Delta op, as Quill and rich-text have it. */
export interface DeltaOp {
  insert?: string | Record<string, unknown>;
  retain?: number | Record<string, unknown>;
  delete?: number;
  attributes?: Record<string, unknown>;
}

/** A Quill selection: UTF-16 code units. */
export interface QuillRange { index: number; length: number }

/**
 * The parts of a Quill 2 editor the binding uses; a Quill instance fits. (Quill's own declarations do not type-check
 * under module nodenext, so they are not imported here.)
 */
export interface QuillEditor {
  getModule(name: string): unknown;
  getLength(): number;
  getSelection(focus?: boolean): QuillRange | null;
  on(event: string, handler: (...args: any[]) => void): unknown;
  off(event: string, handler?: (...args: any[]) => void): unknown;
  [key: string]: any;
}

/** A rich-text op (a Quill Delta's ops): inserts with attributes, retains with attribute changes, deletes. */
export type RichTextOp = DeltaOp[];

/** What a Quill editor publishes as presence: UTF-16 code units, length never negative. */
export interface RangePresence {
  index: number;
  length: number;
  name?: string;
  color?: string;
}

/** The document types openDocument creates. */
export type DocumentTypeName = 'text-unicode' | 'rich-text';

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
  /** A string for text-unicode documents, a Delta (`{ops}`) for rich-text documents. */
  data: any;
  submitOp(op: TextOp | RichTextOp, options?: { source?: unknown }, callback?: (error?: Error) => void): void;
  on(event: string, listener: (...args: any[]) => void): this;
  off(event: string, listener: (...args: any[]) => void): this;
  [key: string]: any;
}

export interface ShareDbDocPresence {
  remotePresences: Record<string, CursorPresence | RangePresence | null>;
  subscribe(callback?: (error?: Error) => void): void;
  create(id?: string): { submit(value: CursorPresence | RangePresence | null, callback?: (error?: Error) => void): void; destroy(callback?: (error?: Error) => void): void };
  on(event: 'receive', listener: (id: string, value: CursorPresence | RangePresence | null) => void): this;
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
  /**
   * Subscribes to a document of the given type (default text-unicode), creating it empty if it does not exist;
   * rejects with WrongDocumentTypeError if it exists with another type.
   */
  openDocument(collection: string, id: string, options?: { type?: DocumentTypeName }): Promise<ShareDbDoc>;
  close(): void;
}

/** openDocument found the document with another type than asked for. */
export declare class WrongDocumentTypeError extends Error {
  readonly expectedType: DocumentTypeName;
  /** The document's type URI, or null if it has none (deleted). */
  readonly actualType: string | null;
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

export interface BindQuillOptions {
  /** From connection.getDocPresence(collection, id), subscribed; needs quill-cursors as the editor's `cursors` module. */
  presence?: ShareDbDocPresence;
  /** Shown to the others at this editor's caret. color is #rrggbb. */
  user?: { name: string; color: string };
  presenceId?: string;
  /** Failed submits (ShareDB has rolled the document back by then); default console.error. */
  onError?: (error: Error) => void;
}

/** Keeps a Quill 2 editor and a subscribed rich-text doc equal; the editor's contents are replaced by the doc's. */
export declare function bindQuill(quill: QuillEditor, doc: ShareDbDoc, options?: BindQuillOptions): QuillBinding;

export declare class QuillBinding {
  constructor(quill: QuillEditor, doc: ShareDbDoc, options?: BindQuillOptions);
  readonly quill: QuillEditor;
  readonly doc: ShareDbDoc;
  user: { name: string; color: string };
  /** Publishes the selection again even if it has not moved (after `user` changed). */
  republishSelection(): void;
  /** Stops listening and withdraws this editor's presence. */
  destroy(): void;
}

export declare function changeSetToOp(changes: ChangeSet, startDoc: Text): TextOp;
export declare function opToChanges(op: TextOp, doc: Text): Array<{ from: number; to: number; insert: string }>;

export declare function codePointLength(text: string): number;
export declare function utf16ToCodePointOffset(text: string, utf16Offset: number): number;
export declare function codePointToUtf16Offset(text: string, codePointOffset: number): number;

export interface RemoteCursor { id: string; anchor: number; head: number; name: string; color: string }
export declare function selectionToPresence(text: string, anchor: number, head: number, user: { name: string; color: string }): Required<CursorPresence>;
export declare function presenceToCursor(id: string, value: unknown, text: string): RemoteCursor | null;
export declare function colorForId(id: string): string;
export declare function presenceName(value: { name?: unknown }): string;
export declare function presenceColor(id: string, value: { color?: unknown }): string;

export interface RemoteRange { id: string; range: QuillRange; name: string; color: string }
export declare function rangeToPresence(range: QuillRange, user: { name: string; color: string }): Required<RangePresence>;
export declare function presenceToRange(id: string, value: unknown, editorLength: number): RemoteRange | null;
export declare const CURSOR_COLORS: readonly string[];

export declare const TEXT_UNICODE_URI: 'http://sharejs.org/types/text-unicode';
export declare const textUnicodeType: { name: string; uri: string; transformPresence(presence: CursorPresence | null, op: TextOp, isOwnOp?: boolean): CursorPresence | null; [key: string]: any };
export declare function transformPosition(position: number, op: TextOp, isOwnOp?: boolean): number;
export declare function transformPresence<P extends CursorPresence | null>(presence: P, op: TextOp, isOwnOp?: boolean): P;
export declare function registerTextUnicodeType(): void;

export declare const RICH_TEXT_URI: 'http://sharejs.org/types/rich-text/v1';
/** npm rich-text 4.1.0's type, as registered with the ShareDB client. */
export declare const richTextType: { name: string; uri: string; transformPresence(presence: RangePresence | null, op: RichTextOp | { ops: DeltaOp[] }, isOwnOp?: boolean): RangePresence | null; [key: string]: any };
export declare const EMPTY_RICH_TEXT: readonly DeltaOp[];
export declare function registerRichTextType(): void;
/** The op that appends the final newline Quill needs, or null if the document has it. */
export declare function finalNewlineOp(ops: readonly DeltaOp[]): RichTextOp | null;
