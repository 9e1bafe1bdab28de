import { test } from 'node:test';
import assert from 'node:assert/strict';
import otText from 'ot-text-unicode';
import { textUnicodeType, transformPosition, transformPresence } from '../../src/text-unicode-type.js';
import { randomText, seededRandom, testSeed } from './random.js';

test('A cursor after an insert moves by the inserted code points, emoji counting one', () => {
  assert.equal(transformPosition(3, [1, '😀👩‍💻']), 3 + 4);
});

test('A cursor inside a deleted range moves to the start of the range', () => {
  assert.equal(transformPosition(4, [2, { d: 5 }]), 2);
  assert.equal(transformPosition(9, [2, { d: '😀bc' }]), 6);
});

test("Someone else's insert at the cursor goes after the cursor; the author's own insert goes before it", () => {
  assert.equal(transformPosition(3, [3, 'xy']), 3);
  assert.equal(transformPosition(3, [3, 'xy'], true), 5);
});

test('For ops of others the transform agrees with ot-text-unicode (random ops)', () => {
  const random = seededRandom(testSeed());
  for (let i = 0; i < 500; i++) {
    const length = 1 + Math.floor(random() * 10);
    const op = otText.type.normalize([Math.floor(random() * length), randomText(random, 2) || 'x', { d: Math.floor(random() * 3) }]);
    const position = Math.floor(random() * (length + 1));
    assert.equal(transformPosition(position, op), otText.type.transformPosition(position, op), JSON.stringify({ position, op }));
  }
});

test('A presence selection moves both ends and keeps name and colour', () => {
  const moved = transformPresence({ index: 2, length: 3, name: 'Ada', color: '#e6194b' }, ['😀']);
  assert.deepEqual(moved, { index: 3, length: 3, name: 'Ada', color: '#e6194b' });
});

test('A backward selection keeps its direction', () => {
  assert.deepEqual(transformPresence({ index: 5, length: -3 }, [{ d: 1 }]), { index: 4, length: -3 });
});

test('A selection whose text is deleted collapses to a caret', () => {
  assert.deepEqual(transformPresence({ index: 2, length: 3 }, [1, { d: 6 }]), { index: 1, length: 0 });
});

test('A cursor without a length stays a cursor; a null presence stays null', () => {
  assert.deepEqual(transformPresence({ index: 1 }, ['ab']), { index: 3 });
  assert.equal(transformPresence(null, ['ab']), null);
});

test('The registered type is ot-text-unicode with transformPresence added', () => {
  assert.equal(textUnicodeType.uri, 'http://sharejs.org/types/text-unicode');
  assert.equal(textUnicodeType.apply('ab', [1, '😀']), 'a😀b');
  assert.equal(typeof textUnicodeType.transformPresence, 'function');
});
