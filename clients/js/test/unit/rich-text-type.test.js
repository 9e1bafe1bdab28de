import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EMPTY_RICH_TEXT, finalNewlineOp, richTextType, RICH_TEXT_URI } from '../../src/rich-text-type.js';

const apply = (ops, op) => richTextType.apply(ops, op).ops;

test('The type is rich-text 4.1.0 under its ShareDB URI', () => {
  assert.equal(RICH_TEXT_URI, 'http://sharejs.org/types/rich-text/v1');
  assert.equal(richTextType.name, 'rich-text');
});

test("A new rich-text document is Quill's empty document, a single newline", () => {
  assert.deepEqual(richTextType.create(EMPTY_RICH_TEXT).ops, [{ insert: '\n' }]);
});

test('A document that already ends with a newline needs no op', () => {
  assert.equal(finalNewlineOp([{ insert: 'Hello\n' }]), null);
  assert.equal(finalNewlineOp([{ insert: 'Title' }, { insert: '\n', attributes: { header: 1 } }]), null);
});

test('An empty document gets a newline inserted', () => {
  assert.deepEqual(apply([], finalNewlineOp([])), [{ insert: '\n' }]);
});

test('A document without a final newline gets one appended after its text, formatting kept', () => {
  const data = [{ insert: 'Hi ' }, { insert: 'there', attributes: { bold: true } }];
  assert.deepEqual(apply(data, finalNewlineOp(data)), [{ insert: 'Hi ' }, { insert: 'there', attributes: { bold: true } }, { insert: '\n' }]);
});

test('An embed counts as one and a document ending in one gets a newline after it', () => {
  const data = [{ insert: 'a😀' }, { insert: { image: 'x.png' } }];
  assert.deepEqual(finalNewlineOp(data), [{ retain: 4 }, { insert: '\n' }]);
  assert.deepEqual(apply(data, finalNewlineOp(data)).at(-1), { insert: '\n' });
});
