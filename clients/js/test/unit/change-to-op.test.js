import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChangeSet, Text } from '@codemirror/state';
import otText from 'ot-text-unicode';
import { changeSetToOp } from '../../src/change-to-op.js';
import { randomBoundary, randomText, seededRandom, testSeed } from './random.js';

const doc = (s) => Text.of(s.split('\n'));
const opFor = (text, spec) => changeSetToOp(ChangeSet.of(spec, text.length), doc(text));

test('Typing into ASCII text is a skip and an insert', () => {
  assert.deepEqual(opFor('hello', { from: 5, insert: ' world' }), [5, ' world']);
  assert.deepEqual(opFor('hello', { from: 0, insert: '>' }), ['>']);
});

test('An insert after an emoji skips it as one code point', () => {
  assert.deepEqual(opFor('😀x', { from: 2, insert: 'y' }), [1, 'y']);
  assert.deepEqual(opFor('a👩‍💻b', { from: 6, insert: '!' }), [4, '!']);
});

test('Deleting an emoji deletes one code point; a ZWJ sequence deletes all of its code points', () => {
  assert.deepEqual(opFor('a😀b', { from: 1, to: 3 }), [1, { d: 1 }]);
  assert.deepEqual(opFor('a👩‍💻b', { from: 1, to: 6 }), [1, { d: 3 }]);
});

test('Inserting an emoji inserts the string itself', () => {
  assert.deepEqual(opFor('ab', { from: 1, insert: '🎉' }), [1, '🎉']);
});

test('A replacement is an insert and a delete at the same place', () => {
  assert.deepEqual(opFor('a😀b', { from: 1, to: 3, insert: 'X' }), [1, 'X', { d: 1 }]);
});

test('Several changes in one transaction become one op in document order', () => {
  const op = opFor('one two three', [{ from: 0, to: 3, insert: '1' }, { from: 8, to: 13, insert: '3' }]);
  assert.deepEqual(op, ['1', { d: 3 }, 5, '3', { d: 5 }]);
});

test('Line breaks are one code point', () => {
  assert.deepEqual(opFor('a\nb', { from: 2, insert: 'c' }), [2, 'c']);
});

test('An empty change set is an empty op', () => {
  assert.deepEqual(opFor('abc', []), []);
});

test('A change set for another document length is rejected', () => {
  assert.throws(() => changeSetToOp(ChangeSet.of({ from: 0, insert: 'x' }, 3), doc('abcd')), RangeError);
});

test('Applying the op gives the same text as applying the change set (random edits)', () => {
  const random = seededRandom(testSeed());
  for (let i = 0; i < 500; i++) {
    const text = randomText(random, 12);
    const specs = [];
    let at = 0;
    const changes = 1 + Math.floor(random() * 3);
    for (let c = 0; c < changes; c++) {
      // Both ends on character boundaries, and changes in order without touching (as CodeMirror gives them).
      const from = randomBoundary(random, text);
      const to = Math.max(from, randomBoundary(random, text));
      if (from < at) continue;
      specs.push({ from, to, insert: randomText(random, 3) });
      at = to + 1;
    }
    const sorted = specs;
    const changeSet = ChangeSet.of(sorted, text.length);
    const expected = changeSet.apply(doc(text)).toString();
    const op = changeSetToOp(changeSet, doc(text));
    assert.equal(otText.type.apply(text, op), expected, `text ${JSON.stringify(text)} changes ${JSON.stringify(sorted)}`);
  }
});
