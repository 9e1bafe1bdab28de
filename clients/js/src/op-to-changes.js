// Remote ops → CodeMirror changes: a text-unicode op (code points) becomes change specs in UTF-16 offsets of the
// document it applies to.
import { codePointToUtf16Offset } from './code-points.js';

/**
 * CodeMirror change specs (`{from, to?, insert?}`, UTF-16 offsets into `doc`, a CodeMirror Text) that do what
 * `op` does. Throws a RangeError if the op reaches past the end of the document (it was made for another text).
 */
export function opToChanges(op, doc) {
  const changes = [];
  let at = 0; // UTF-16 offset in doc of the op's read position
  const advance = (codePoints) => {
    // A code point is one or two UTF-16 units, so 2n units always hold the n code points we need.
    const window = doc.sliceString(at, at + 2 * codePoints);
    const units = codePointToUtf16Offset(window, codePoints);
    return at + units;
  };
  const push = (from, to, insert) => {
    const last = changes[changes.length - 1];
    if (last && last.to === from) {
      last.to = to;
      last.insert += insert;
    } else {
      changes.push({ from, to, insert });
    }
  };
  for (const component of op) {
    if (typeof component === 'number') {
      at = advanceChecked(advance, component, op);
    } else if (typeof component === 'string') {
      push(at, at, component);
    } else if (component && (typeof component.d === 'number' || typeof component.d === 'string')) {
      const deleted = typeof component.d === 'number' ? component.d : [...component.d].length;
      const end = advanceChecked(advance, deleted, op);
      push(at, end, '');
      at = end;
    } else {
      throw new TypeError(`Not a text-unicode op component: ${JSON.stringify(component)}`);
    }
  }
  return changes;
}

function advanceChecked(advance, codePoints, op) {
  try {
    return advance(codePoints);
  } catch (error) {
    throw new RangeError(`Op ${JSON.stringify(op)} does not fit the document: ${error.message}`);
  }
}
