import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listRows, ModifiedTimes, queryEndpointFor, RECENT_QUERY, relativeTime, typePage } from '../../demo/recent-documents.js';

const NOW = Date.UTC(2026, 11, 5, 18, 0, 0);
const TEXT = 'http://sharejs.org/types/text-unicode';
const RICH = 'http://sharejs.org/types/rich-text/v1';
const JSON0 = 'http://sharejs.org/types/JSONv0';

test('The front page asks for the 50 most recently modified documents, newest first', () => {
  assert.deepEqual(RECENT_QUERY, { $sort: { '_m.mtime': -1 }, $limit: 50 });
});

test('Relative times go from just now through seconds, minutes, hours and days to a date', () => {
  const ago = (ms) => relativeTime(NOW - ms, NOW);
  assert.equal(ago(0), 'just now');
  assert.equal(ago(4_999), 'just now');
  assert.equal(ago(5_000), '5 s ago');
  assert.equal(ago(59_999), '59 s ago');
  assert.equal(ago(60_000), '1 min ago');
  assert.equal(ago(59 * 60_000 + 59_999), '59 min ago');
  assert.equal(ago(3_600_000), '1 h ago');
  assert.equal(ago(23 * 3_600_000 + 3_599_999), '23 h ago');
  assert.equal(ago(86_400_000), '1 d ago');
  assert.equal(ago(29 * 86_400_000), '29 d ago');
  assert.equal(ago(30 * 86_400_000), '2026-11-05');
});

test('A time ahead of the browser clock is just now, and an unknown time is blank', () => {
  assert.equal(relativeTime(NOW + 60_000, NOW), 'just now');
  assert.equal(relativeTime(undefined, NOW), '');
  assert.equal(relativeTime(Number.NaN, NOW), '');
});

test('Text documents open in CodeMirror, rich-text ones in Quill, and json0 ones have no editor', () => {
  assert.deepEqual(typePage(TEXT), { kind: 'd', label: 'text' });
  assert.deepEqual(typePage(RICH), { kind: 'r', label: 'rich text' });
  assert.deepEqual(typePage(JSON0), { kind: null, label: 'json0' });
  assert.deepEqual(typePage('http://example.com/types/counter'), { kind: null, label: 'counter' });
});

test('Rows keep the query order and link each document to its editor with the page query and the fragment', () => {
  const times = new ModifiedTimes();
  times.learn('notes', 3, NOW - 120_000);
  const docs = [
    { id: 'notes', version: 3, typeUri: TEXT },
    { id: 'plan b', version: 1, typeUri: RICH },
    { id: 'settings', version: 7, typeUri: JSON0 },
  ];
  const rows = listRows(docs, times, NOW, { search: '?server=ws%3A%2F%2Fx', fragment: 'token=abc' });
  assert.deepEqual(rows.map((row) => row.id), ['notes', 'plan b', 'settings']);
  assert.deepEqual(rows[0], {
    id: 'notes',
    version: 3,
    typeLabel: 'text',
    href: '/d/notes?server=ws%3A%2F%2Fx#token=abc',
    modified: '2 min ago',
    modifiedIso: new Date(NOW - 120_000).toISOString(),
  });
  assert.equal(rows[1].href, '/r/plan%20b?server=ws%3A%2F%2Fx#token=abc');
  assert.equal(rows[1].modified, '');
  assert.equal(rows[2].href, null);
  assert.equal(listRows(docs, times, NOW)[0].href, '/d/notes');
});

test('Times are asked for once per listed version, and an op seen live needs no asking', () => {
  const times = new ModifiedTimes();
  const docs = [{ id: 'a', version: 1 }, { id: 'b', version: 4 }];
  assert.deepEqual(times.wanted(docs), ['a', 'b']);
  assert.deepEqual(times.wanted(docs), [], 'asked already, even before the answer');

  times.learn('a', 1, NOW - 1000);
  assert.deepEqual(times.wanted([{ id: 'a', version: 2 }, { id: 'b', version: 4 }]), ['a'], 'a moved on without a live op');

  times.touched('b', 5, NOW);
  assert.deepEqual(times.wanted([{ id: 'b', version: 5 }]), []);
  assert.equal(times.get('b'), NOW);
});

test('Documents the server could not be asked about are asked for again', () => {
  const times = new ModifiedTimes();
  assert.deepEqual(times.wanted([{ id: 'a', version: 1 }, { id: 'b', version: 1 }]), ['a', 'b']);
  times.unasked(['a']);
  assert.deepEqual(times.wanted([{ id: 'a', version: 1 }, { id: 'b', version: 1 }]), ['a']);
});

test('An answer for an older version than the one known does not replace the time', () => {
  const times = new ModifiedTimes();
  times.touched('a', 6, NOW);
  times.learn('a', 5, NOW - 60_000);
  assert.equal(times.get('a'), NOW);
  times.learn('a', 6, NOW - 10);
  assert.equal(times.get('a'), NOW - 10, 'the server time of the same version is the better one');
});

test('Documents that leave the list are forgotten', () => {
  const times = new ModifiedTimes();
  times.learn('a', 1, NOW);
  times.wanted([{ id: 'b', version: 1 }]);
  times.keepOnly(['c']);
  assert.equal(times.get('a'), undefined);
  assert.deepEqual(times.wanted([{ id: 'b', version: 1 }]), ['b'], 'b is asked for again if it comes back');
});

test('The HTTP query endpoint is found beside a /ws URL only', () => {
  assert.equal(queryEndpointFor('ws://127.0.0.1:5000/ws', 'docs'), 'http://127.0.0.1:5000/api/docs/docs');
  assert.equal(queryEndpointFor('wss://collab.example/ws?token=x', 'docs'), 'https://collab.example/api/docs/docs');
  assert.equal(queryEndpointFor('wss://example/edit/ws/', 'a b'), 'https://example/edit/api/docs/a%20b');
  assert.equal(queryEndpointFor('ws://127.0.0.1:8080', 'docs'), null);
  assert.equal(queryEndpointFor('not a url', 'docs'), null);
});
