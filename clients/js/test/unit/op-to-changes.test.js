import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChangeSet, Text } from '@codemirror/state';
import otText from 'ot-text-unicode';
import { opToChanges } from '../../src/op-to-changes.js';
import { randomText, seededRandom, testSeed } from './random.js';

const doc = (s) => Text.of(s.split('\n'));
const applyOp = (text, op) => ChangeSet.of(opToChanges(op, doc(text)), text.length).apply(doc(text)).toString();

test('A skip and an insert in ASCII become one insert at the same offset', () => {
  assert.deepEqual(opToChanges([5, ' world'], doc('hello')), [{ from: 5, to: 5, insert: ' world' }]);
});

test('Skipping an emoji moves two UTF-16 units', () => {
  assert.deepEqual(opToChanges([1, 'y'], doc('😀x')), [{ from: 2, to: 2, insert: 'y' }]);
  assert.equal(applyOp('😀x', [1, 'y']), '😀yx');
});

test('Deleting a ZWJ sequence by its code-point count removes all its UTF-16 units', () => {
  assert.deepEqual(opToChanges([1, { d: 3 }], doc('a👩‍💻b')), [{ from: 1, to: 6, insert: '' }]);
  assert.equal(applyOp('a👩‍💻b', [1, { d: 3 }]), 'ab');
});

test('The string form of a delete removes as many code points as the string has', () => {
  assert.equal(applyOp('a😀b', [1, { d: '😀' }]), 'ab');
});

test('An insert next to a delete becomes one replacement', () => {
  assert.deepEqual(opToChanges([1, 'X', { d: 1 }], doc('a😀b')), [{ from: 1, to: 3, insert: 'X' }]);
  assert.deepEqual(opToChanges([1, { d: 1 }, 'X'], doc('a😀b')), [{ from: 1, to: 3, insert: 'X' }]);
});

test('Several components map to several changes in the original document', () => {
  assert.equal(applyOp('one 😀 three', [{ d: 3 }, '1', 3, { d: 5 }, '3']), '1 😀 3');
});

test('An op reaching past the end of the document is rejected', () => {
  assert.throws(() => opToChanges([4, 'x'], doc('a😀b')), RangeError);
  assert.throws(() => opToChanges([2, { d: 2 }], doc('a😀b')), RangeError);
});

test('A component that is not text-unicode is rejected', () => {
  assert.throws(() => opToChanges([{ i: 'x' }], doc('abc')), TypeError);
  assert.throws(() => opToChanges([null], doc('abc')), TypeError);
});

test('Applying the changes gives the same text as ot-text-unicode applying the op (random ops)', () => {
  const random = seededRandom(testSeed());
  for (let i = 0; i < 500; i++) {
    const text = randomText(random, 12);
    const length = [...text].length;
    const op = [];
    let at = 0;
    while (at < length && random() < 0.8) {
      const skip = Math.floor(random() * (length - at + 1));
      if (skip > 0) op.push(skip);
      at += skip;
      if (random() < 0.5) op.push(randomText(random, 3) || 'x');
      const del = Math.floor(random() * (length - at + 1));
      if (del > 0) op.push({ d: del });
      at += del;
    }
    const normalized = otText.type.normalize(op);
    assert.equal(applyOp(text, normalized), otText.type.apply(text, normalized), `text ${JSON.stringify(text)} op ${JSON.stringify(normalized)}`);
  }
});
