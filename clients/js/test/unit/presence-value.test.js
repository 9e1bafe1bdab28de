import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CURSOR_COLORS, colorForId, presenceToCursor, selectionToPresence } from '../../src/presence-value.js';

const user = { name: 'Ada', color: '#e6194b' };

test('A selection after an emoji is published in code points', () => {
  assert.deepEqual(selectionToPresence('😀ab', 2, 4, user), { index: 1, length: 2, name: 'Ada', color: '#e6194b' });
});

test('A backward selection has a negative length', () => {
  assert.deepEqual(selectionToPresence('ab😀', 4, 1, user), { index: 3, length: -2, name: 'Ada', color: '#e6194b' });
});

test('A remote presence becomes UTF-16 anchor and head', () => {
  assert.deepEqual(presenceToCursor('p1', { index: 1, length: 2, name: 'Ada', color: '#3cb44b' }, '😀ab'),
    { id: 'p1', anchor: 2, head: 4, name: 'Ada', color: '#3cb44b' });
});

test('Positions past the end of the text are clamped to it', () => {
  const cursor = presenceToCursor('p1', { index: 10, length: 0, name: 'Ada', color: '#3cb44b' }, 'a😀');
  assert.equal(cursor.anchor, 3);
  assert.equal(cursor.head, 3);
});

test('A colour that is not #rrggbb is replaced by the palette colour of the id', () => {
  const cursor = presenceToCursor('p1', { index: 0, name: 'Eve', color: 'red; background: url(x)' }, 'abc');
  assert.equal(cursor.color, colorForId('p1'));
  assert.ok(CURSOR_COLORS.includes(cursor.color));
});

test('A missing or blank name shows as Anonymous, a long one is cut', () => {
  assert.equal(presenceToCursor('p1', { index: 0, name: '  ' }, '').name, 'Anonymous');
  assert.equal(presenceToCursor('p1', { index: 0, name: 'x'.repeat(100) }, '').name.length, 40);
});

test('A value that is not a cursor is ignored', () => {
  assert.equal(presenceToCursor('p1', null, 'abc'), null);
  assert.equal(presenceToCursor('p1', { index: 'one' }, 'abc'), null);
  assert.equal(presenceToCursor('p1', 'hello', 'abc'), null);
});
