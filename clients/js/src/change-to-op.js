// Local edits → text-unicode ops: a CodeMirror ChangeSet (UTF-16 offsets into the document before the change)
// becomes one op in code points.
import otText from 'ot-text-unicode';
import { codePointLength } from './code-points.js';

/**
 * The text-unicode op equivalent to `changes` applied to `startDoc` (a CodeMirror Text, the document before the
 * change). An empty change set gives `[]`.
 */
export function changeSetToOp(changes, startDoc) {
  if (changes.length !== startDoc.length) {
    throw new RangeError(`Change set is for a document of length ${changes.length}, not ${startDoc.length}`);
  }
  const op = [];
  let consumed = 0; // UTF-16 offset in startDoc up to which the op has skipped or deleted
  changes.iterChanges((fromA, toA, _fromB, _toB, inserted) => {
    if (fromA > consumed) op.push(codePointLength(startDoc.sliceString(consumed, fromA)));
    const text = inserted.toString();
    if (text.length > 0) op.push(text);
    if (toA > fromA) op.push({ d: codePointLength(startDoc.sliceString(fromA, toA)) });
    consumed = toA;
  });
  return otText.type.normalize(op);
}
