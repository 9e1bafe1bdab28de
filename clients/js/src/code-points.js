// Converts between CodeMirror's UTF-16 offsets and text-unicode's code-point offsets.
// A surrogate pair (an astral character such as "😀") is two UTF-16 units and one code point; a lone surrogate
// counts as one code point, as it does for ot-text-unicode and for JavaScript's string iterator.

const isHighSurrogate = (unit) => unit >= 0xd800 && unit <= 0xdbff;
const isLowSurrogate = (unit) => unit >= 0xdc00 && unit <= 0xdfff;

/** Number of code points in `text`. */
export function codePointLength(text) {
  return utf16ToCodePointOffset(text, text.length);
}

/**
 * Code-point offset of the UTF-16 offset `utf16Offset` in `text`. An offset between the two halves of a surrogate
 * pair counts the high half as one code point (the pair is being split, so it no longer is one character).
 */
export function utf16ToCodePointOffset(text, utf16Offset) {
  checkOffset(utf16Offset, text.length, 'UTF-16');
  let codePoints = 0;
  for (let i = 0; i < utf16Offset; i++) {
    if (isHighSurrogate(text.charCodeAt(i)) && i + 1 < utf16Offset && isLowSurrogate(text.charCodeAt(i + 1))) i++;
    codePoints++;
  }
  return codePoints;
}

/** UTF-16 offset of the code-point offset `codePointOffset` in `text`. */
export function codePointToUtf16Offset(text, codePointOffset) {
  let utf16 = 0;
  for (let n = 0; n < codePointOffset; n++) {
    if (utf16 >= text.length) {
      throw new RangeError(`Code-point offset ${codePointOffset} is past the end of a text of ${n} code points`);
    }
    utf16 += isHighSurrogate(text.charCodeAt(utf16)) && isLowSurrogate(text.charCodeAt(utf16 + 1)) ? 2 : 1;
  }
  return utf16;
}

function checkOffset(offset, length, unit) {
  if (!Number.isInteger(offset) || offset < 0 || offset > length) {
    throw new RangeError(`${unit} offset ${offset} is outside a text of length ${length}`);
  }
}
