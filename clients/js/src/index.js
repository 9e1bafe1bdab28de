// @collabsuite/client: a ShareDB-protocol client for CollabSuite with a CodeMirror 6 binding (text-unicode documents)
// and a Quill 2 binding (rich-text documents).
export { connect, CollabConnection, CONNECTION_STATES, DEFAULT_HEARTBEAT, WrongDocumentTypeError } from './connect.js';
export { ReconnectingSocket } from './reconnecting-socket.js';
export { backoffDelay, DEFAULT_BACKOFF } from './backoff.js';
export { collabEditing, remoteChange } from './codemirror-binding.js';
export { bindQuill, QuillBinding } from './quill-binding.js';
export { changeSetToOp } from './change-to-op.js';
export { opToChanges } from './op-to-changes.js';
export { codePointLength, utf16ToCodePointOffset, codePointToUtf16Offset } from './code-points.js';
export { selectionToPresence, presenceToCursor, presenceName, presenceColor, colorForId, CURSOR_COLORS } from './presence-value.js';
export { rangeToPresence, presenceToRange } from './quill-presence.js';
export { textUnicodeType, transformPosition, transformPresence, registerTextUnicodeType, TEXT_UNICODE_URI } from './text-unicode-type.js';
export { richTextType, registerRichTextType, finalNewlineOp, EMPTY_RICH_TEXT, RICH_TEXT_URI } from './rich-text-type.js';
