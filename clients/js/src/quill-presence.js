// The presence value a Quill editor publishes on a rich-text document: `{index, length, name, color}`. Unlike the
// text-unicode value, positions are UTF-16 code units (Quill and rich-text both count that way) and length is never
// negative (a Quill range has no direction); rich-text's transformPresence moves index and length and keeps the rest.
import { presenceColor, presenceName } from './presence-value.js';

/** The presence value for a Quill range `{index, length}`. */
export function rangeToPresence(range, user) {
  return { index: range.index, length: range.length, name: user.name, color: user.color };
}

/**
 * A remote presence value made safe to draw in an editor of `editorLength` (quill.getLength()): `{id, range, name,
 * color}` with the range clamped into the document and a backward selection (length < 0, as a text-unicode editor
 * sends) turned forward; the name and colour as for CodeMirror cursors. Null for a value that is not a cursor.
 */
export function presenceToRange(id, value, editorLength) {
  if (value == null || typeof value !== 'object' || !Number.isInteger(value.index)) return null;
  const length = Number.isInteger(value.length) ? value.length : 0;
  const clamp = (n) => Math.min(Math.max(0, n), Math.max(0, editorLength - 1));
  const from = clamp(Math.min(value.index, value.index + length));
  const to = clamp(Math.max(value.index, value.index + length));
  return { id, range: { index: from, length: to - from }, name: presenceName(value), color: presenceColor(id, value) };
}
