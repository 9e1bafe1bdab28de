// The presence value each editor publishes: `{index, length, name, color}`, index and length in code points,
// index the selection's anchor and index + length its head (the caret), so length < 0 is a backward selection.
import { codePointToUtf16Offset, utf16ToCodePointOffset } from './code-points.js';

const MAX_NAME_LENGTH = 40;
const COLOR_PATTERN = /^#[0-9a-fA-F]{6}$/;

/** A pleasant, readable palette; an editor without a valid colour gets one picked from its id. */
export const CURSOR_COLORS = Object.freeze(['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#0f9aa8', '#d6309a', '#808000']);

/** The presence value for a selection given in UTF-16 offsets of `text`. */
export function selectionToPresence(text, anchor, head, user) {
  const index = utf16ToCodePointOffset(text, anchor);
  const headIndex = utf16ToCodePointOffset(text, head);
  return { index, length: headIndex - index, name: user.name, color: user.color };
}

/**
 * A remote presence value made safe to show: positions converted to UTF-16 offsets of `text` and clamped into it,
 * the name cut to a sensible length, the colour a #rrggbb colour (it ends up in a style attribute). Returns null for
 * a value that is not a cursor.
 */
export function presenceToCursor(id, value, text) {
  if (value == null || typeof value !== 'object' || !Number.isInteger(value.index)) return null;
  const length = Number.isInteger(value.length) ? value.length : 0;
  const maxIndex = utf16ToCodePointOffset(text, text.length);
  const clamp = (n) => Math.min(Math.max(0, n), maxIndex);
  const anchor = codePointToUtf16Offset(text, clamp(value.index));
  const head = codePointToUtf16Offset(text, clamp(value.index + length));
  return { id, anchor, head, name: presenceName(value), color: presenceColor(id, value) };
}

/** The name a presence value shows: trimmed and cut to a sensible length, 'Anonymous' when missing. */
export function presenceName(value) {
  return typeof value.name === 'string' && value.name.trim() ? value.name.trim().slice(0, MAX_NAME_LENGTH) : 'Anonymous';
}

/** The colour a presence value shows: its own if #rrggbb (it ends up in a style attribute), else one from the id. */
export function presenceColor(id, value) {
  return typeof value.color === 'string' && COLOR_PATTERN.test(value.color) ? value.color : colorForId(id);
}

/** A stable palette colour for an id. */
export function colorForId(id) {
  let hash = 0;
  for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) >>> 0;
  return CURSOR_COLORS[hash % CURSOR_COLORS.length];
}
