// The text-unicode OT type (npm ot-text-unicode 4) with the presence transform that ShareDB's client needs to move
// remote cursors through ops. ot-text-unicode ships no transformPresence; PROTOCOL.md defines it for {index} and
// {index, length} values, and any other field of a presence value (name, colour) is carried along untouched.
import ShareDB from 'sharedb/lib/client/index.js';
import otText from 'ot-text-unicode';

const baseType = otText.type;

/** The full URI under which the server knows the type. */
export const TEXT_UNICODE_URI = baseType.uri;

/**
 * Moves a code-point position through an op. An insert exactly at the position goes before it (the position stays
 * in front of someone else's typing) unless `isOwnOp`, when the position follows the insert: the author's own caret
 * ends up after what they typed.
 */
export function transformPosition(position, op, isOwnOp = false) {
  let pos = 0; // position in the document before the op, of the component being read
  let moved = position;
  for (const component of op) {
    if (pos > position || (pos === position && !isOwnOp)) break;
    if (typeof component === 'number') {
      pos += component;
    } else if (typeof component === 'string') {
      moved += codePointCount(component);
    } else {
      const deleted = typeof component.d === 'number' ? component.d : codePointCount(component.d);
      moved -= Math.min(deleted, position - pos);
      pos += deleted;
    }
  }
  return moved;
}

/** Moves a presence value `{index, length?}` (code points; length may be negative for a backward selection). */
export function transformPresence(presence, op, isOwnOp = false) {
  if (presence == null || typeof presence.index !== 'number') return presence;
  const anchor = transformPosition(presence.index, op, isOwnOp);
  if (typeof presence.length !== 'number') return { ...presence, index: anchor };
  const head = transformPosition(presence.index + presence.length, op, isOwnOp);
  return { ...presence, index: anchor, length: head - anchor };
}

/** The ot-text-unicode type extended with transformPresence. */
export const textUnicodeType = { ...baseType, transformPresence };

/** Registers the type with ShareDB's client (idempotent); connect() calls it. */
export function registerTextUnicodeType() {
  ShareDB.types.register(textUnicodeType);
}

function codePointCount(text) {
  let count = 0;
  for (const _ of text) count++;
  return count;
}
