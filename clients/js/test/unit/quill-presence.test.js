import { test } from 'node:test';
import assert from 'node:assert/strict';
import { presenceToRange, rangeToPresence } from '../../src/quill-presence.js';
import { colorForId } from '../../src/presence-value.js';
import { richTextType } from '../../src/rich-text-type.js';

const user = { name: 'Ada', color: '#e6194b' };

test('A Quill selection is published as it is, in UTF-16 code units, with the name and colour', () => {
  assert.deepEqual(rangeToPresence({ index: 3, length: 2 }, user), { index: 3, length: 2, name: 'Ada', color: '#e6194b' });
});

test("rich-text's transformPresence moves the published range through an op and keeps the name and colour", () => {
  const value = rangeToPresence({ index: 3, length: 2 }, user);
  const moved = richTextType.transformPresence(value, [{ insert: '😀' }], false);
  assert.deepEqual(moved, { index: 5, length: 2, name: 'Ada', color: '#e6194b' });
});

test('A remote range inside the document is drawn where it is', () => {
  assert.deepEqual(presenceToRange('p1', { index: 2, length: 3, name: 'Bob', color: '#3cb44b' }, 10),
    { id: 'p1', range: { index: 2, length: 3 }, name: 'Bob', color: '#3cb44b' });
});

test('A range past the end is clamped before the final newline', () => {
  assert.deepEqual(presenceToRange('p1', { index: 20, length: 5 }, 6).range, { index: 5, length: 0 });
  assert.deepEqual(presenceToRange('p1', { index: 4, length: 5 }, 6).range, { index: 4, length: 1 });
});

test('A backward selection from a text-unicode style editor is turned forward', () => {
  assert.deepEqual(presenceToRange('p1', { index: 5, length: -3 }, 10).range, { index: 2, length: 3 });
});

test('A caret without a length is a zero-length range', () => {
  assert.deepEqual(presenceToRange('p1', { index: 1 }, 10).range, { index: 1, length: 0 });
});

test('Values that are not cursors are not drawn', () => {
  for (const value of [null, undefined, 'x', 3, {}, { index: '2' }, { index: 1.5 }]) {
    assert.equal(presenceToRange('p1', value, 10), null, JSON.stringify(value));
  }
});

test('A bad colour or a missing name is replaced, as for CodeMirror cursors', () => {
  const cursor = presenceToRange('p9', { index: 0, name: '   ', color: 'red; background: url(x)' }, 3);
  assert.equal(cursor.name, 'Anonymous');
  assert.equal(cursor.color, colorForId('p9'));
});
