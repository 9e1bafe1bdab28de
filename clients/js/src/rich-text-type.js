// The rich-text OT type (npm rich-text 4.1.0, Quill Delta) for the ShareDB client, and the one rule a Quill editor
// adds on top of it: a Quill document always ends with a newline.
import ShareDB from 'sharedb/lib/client/index.js';
import richText from 'rich-text';

export const RICH_TEXT_URI = richText.type.uri;
export const richTextType = richText.type;

/** What a new rich-text document holds: Quill's empty document, a single newline. */
export const EMPTY_RICH_TEXT = Object.freeze([Object.freeze({ insert: '\n' })]);

/** Registers rich-text with the ShareDB client (it has only json0 built in); harmless to call twice. */
export function registerRichTextType() {
  ShareDB.types.register(richText.type);
}

/**
 * The op that appends the newline a document created by something other than Quill may lack (`[]`, or text without
 * a final newline), or null when it already ends with one. Without it Quill shows a newline the document does not
 * have, and formatting the last line (a heading, a list item) would retain past the document's end.
 */
export function finalNewlineOp(ops) {
  const last = ops.at(-1);
  if (last && typeof last.insert === 'string' && last.insert.endsWith('\n')) return null;
  const length = ops.reduce((sum, op) => sum + (typeof op.insert === 'string' ? op.insert.length : 1), 0);
  return length === 0 ? [{ insert: '\n' }] : [{ retain: length }, { insert: '\n' }];
}
