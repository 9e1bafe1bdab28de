import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codePointLength, codePointToUtf16Offset, utf16ToCodePointOffset } from '../../src/code-points.js';

const WOMAN_TECHNOLOGIST = '\u{1F469}\u200D\u{1F4BB}'; // 👩‍💻: three code points, five UTF-16 units
const FAMILY = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}'; // 👨‍👩‍👧: five code points, eight units

test('ASCII offsets are the same in both units', () => {
  const text = 'hello world';
  for (let i = 0; i <= text.length; i++) {
    assert.equal(utf16ToCodePointOffset(text, i), i);
    assert.equal(codePointToUtf16Offset(text, i), i);
  }
  assert.equal(codePointLength(text), 11);
});

test('BMP characters outside ASCII are one unit and one code point each', () => {
  const text = 'héllo 中文 ñ';
  assert.equal(codePointLength(text), text.length);
  assert.equal(utf16ToCodePointOffset(text, 7), 7);
  assert.equal(codePointToUtf16Offset(text, 8), 8);
});

test('An astral character is two UTF-16 units and one code point', () => {
  const text = 'a😀b𝄞c';
  assert.equal(text.length, 7);
  assert.equal(codePointLength(text), 5);
  assert.equal(utf16ToCodePointOffset(text, 1), 1); // before 😀
  assert.equal(utf16ToCodePointOffset(text, 3), 2); // after 😀
  assert.equal(utf16ToCodePointOffset(text, 4), 3); // after b
  assert.equal(utf16ToCodePointOffset(text, 6), 4); // after 𝄞
  assert.equal(codePointToUtf16Offset(text, 2), 3);
  assert.equal(codePointToUtf16Offset(text, 4), 6);
  assert.equal(codePointToUtf16Offset(text, 5), 7);
});

test('A ZWJ sequence counts each of its code points', () => {
  assert.equal(codePointLength(WOMAN_TECHNOLOGIST), 3);
  assert.equal(codePointLength(FAMILY), 5);
  const text = `x${WOMAN_TECHNOLOGIST}y`;
  assert.equal(utf16ToCodePointOffset(text, 1 + 2), 2); // after 👩
  assert.equal(utf16ToCodePointOffset(text, 1 + 3), 3); // after the joiner
  assert.equal(utf16ToCodePointOffset(text, 1 + 5), 4); // after 💻
  assert.equal(codePointToUtf16Offset(text, 4), 6);
  assert.equal(codePointToUtf16Offset(text, 5), 7);
});

test('Flags and skin-tone modifiers are sequences of astral code points', () => {
  const text = '🇫🇷👍🏽';
  assert.equal(codePointLength(text), 4);
  assert.equal(codePointToUtf16Offset(text, 2), 4);
});

test('Conversions are inverse of each other at every code point boundary', () => {
  const text = `a${FAMILY}é😀\n${WOMAN_TECHNOLOGIST}z`;
  for (let cp = 0; cp <= codePointLength(text); cp++) {
    assert.equal(utf16ToCodePointOffset(text, codePointToUtf16Offset(text, cp)), cp);
  }
});

test('A lone surrogate counts as one code point, as in ot-text-unicode', () => {
  assert.equal(codePointLength('a\uD83Db'), 3);
  assert.equal(codePointLength('a\uDE00b'), 3);
  assert.equal(codePointToUtf16Offset('\uD83Dx', 1), 1);
});

test('An offset splitting a surrogate pair counts the high half as one code point', () => {
  assert.equal(utf16ToCodePointOffset('😀', 1), 1);
});

test('Offsets outside the text are rejected with a RangeError', () => {
  assert.throws(() => utf16ToCodePointOffset('abc', 4), RangeError);
  assert.throws(() => utf16ToCodePointOffset('abc', -1), RangeError);
  assert.throws(() => utf16ToCodePointOffset('abc', 1.5), RangeError);
  assert.throws(() => codePointToUtf16Offset('a😀', 3), RangeError);
});
