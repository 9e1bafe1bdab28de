// Generates seeded random conformance cases for the rich-text type (src/CollabText/RichText), with the reference
// rich-text 4.1.0 (quill-delta 4.2.2) computing every expected result. tests/CollabText.Tests/RichText/
// RichTextConformanceTests.cs replays each case through our engine and requires the same result, or the rejection.
//
// Usage: node generate-cases.js [--seed N] [--count N] [--out FILE]   (defaults: seed 20261204, 6000 cases,
// cases.jsonl next to this script). One JSON object per line:
//   {"id","kind":"apply","doc","op", ...}
//   {"id","kind":"transform","op","other","side":"left"|"right", ...}
//   {"id","kind":"compose","a","b", ...}
//   {"id","kind":"invert","op","base", ...}              (quill-delta's op.invert(base); rich-text exposes no invert)
//   {"id","kind":"transformPosition","index","op","priority", ...}
//   {"id","kind":"transformPresence","range","op","isOwnOp", ...}
// Each case has the reference's "result" (a Delta prints as {"ops":[...]}) or its "error" message. A case our engine
// must refuse also has "reject": the reason, one of
//   invalid-op             a delta or op of the wrong shape (the reference mostly reads such input as something else)
//   not-a-document         a document that holds retains or deletes
//   op-past-end            an op that retains or deletes past the end of the document (the reference pads the document)
//   base-too-short         invert against a base shorter than the op
//   splits-surrogate-pair  the reference's result holds half of a surrogate pair
// See docs/rich-text.md, "Deliberate differences".
'use strict';
const fs = require('fs');
const path = require('path');
const { type, Delta } = require('rich-text');

function parseArgs(argv) {
  const args = { seed: 20261204, count: 6000, out: path.join(__dirname, 'cases.jsonl') };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i], value = argv[i + 1];
    if (key === '--seed') args.seed = Number(value);
    else if (key === '--count') args.count = Number(value);
    else if (key === '--out') args.out = value;
    else throw new Error(`unknown argument ${key}`);
  }
  return args;
}

// mulberry32: small, seeded, the same on every Node version.
function makeRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const args = parseArgs(process.argv.slice(2));
const random = makeRandom(args.seed);
const int = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1)); // inclusive
const chance = (p) => random() < p;
const pick = (xs) => xs[Math.floor(random() * xs.length)];

// Mostly ASCII and newlines (Quill's line ends), some accented and CJK text, a few astral characters (two UTF-16
// units each, so positions can fall inside them) and combining marks.
const PIECES = ['a', 'b', 'c', 'd', 'e', 'f', ' ', ' ', 'hello', 'world', '\n', '\n', 'é', 'e\u0301', 'ß', '中文',
  '😀', '𝄞', '👩‍💻', 'x', 'y', 'z', '<b>', '"q"', '\\', '\t'];
const FORMATS = [
  { bold: true }, { italic: true }, { underline: true }, { strike: true }, { color: '#e60000' }, { color: '#0066cc' },
  { background: '#ffff00' }, { link: 'https://example.com/a' }, { font: 'serif' }, { size: 'large' }, { script: 'sub' },
  { bold: true, italic: true }, { bold: true, color: '#e60000' }, { code: true },
  { mention: { id: 7, name: 'ann' } }, { width: 120 }, { indent: 1 },
];
const LINE_FORMATS = [{ header: 1 }, { header: 2 }, { list: 'bullet' }, { list: 'ordered' }, { align: 'center' },
  { blockquote: true }, { 'code-block': true }];
const REMOVALS = [{ bold: null }, { italic: null }, { color: null }, { link: null }, { bold: null, italic: true },
  { header: null }, { list: null }, { color: '#0066cc', bold: null }];
const EMBEDS = [{ image: 'https://example.com/a.png' }, { video: 'https://example.com/v.mp4' }, { formula: 'e=mc^2' },
  { divider: true }];

function text(maxPieces) {
  let s = '';
  for (let n = int(1, maxPieces); n > 0; n--) s += pick(PIECES);
  return s;
}

function attributes() {
  if (chance(0.55)) return undefined;
  return Object.assign({}, pick(FORMATS), chance(0.15) ? pick(LINE_FORMATS) : {});
}

function randomDoc() {
  const d = new Delta();
  if (chance(0.06)) return d;
  for (let n = int(1, 8); n > 0; n--) {
    if (chance(0.1)) d.insert(Object.assign({}, pick(EMBEDS)), chance(0.3) ? { width: pick(['100', '200']) } : undefined);
    else if (chance(0.12)) d.insert('\n', pick(LINE_FORMATS));
    else d.insert(text(5), attributes());
  }
  return d;
}

// A random op for a document of `length` UTF-16 units, built with quill-delta (canonical) or as a raw array of ops
// (valid but not canonical: adjacent retains, a delete before an insert, a trailing plain retain).
function randomOp(length, { pastEnd = false } = {}) {
  const raw = chance(0.2);
  const ops = [];
  const d = new Delta();
  let pos = 0;
  const limit = pastEnd ? length + int(1, 4) : length;
  for (let n = int(1, 5); n > 0; n--) {
    const left = limit - pos;
    const r = random();
    if (r < 0.3) {
      const embed = chance(0.1);
      const value = embed ? Object.assign({}, pick(EMBEDS)) : text(3);
      const attrs = attributes();
      raw ? ops.push(attrs ? { insert: value, attributes: attrs } : { insert: value }) : d.insert(value, attrs);
    } else if (r < 0.7 && left > 0) {
      const k = int(1, Math.min(left, 12));
      const attrs = chance(0.4) ? (chance(0.3) ? pick(REMOVALS) : Object.assign({}, pick(FORMATS))) : undefined;
      raw ? ops.push(attrs ? { retain: k, attributes: attrs } : { retain: k }) : d.retain(k, attrs);
      pos += k;
    } else if (left > 0) {
      const k = int(1, Math.min(left, 8));
      raw ? ops.push({ delete: k }) : d.delete(k);
      pos += k;
    }
  }
  if (pastEnd && pos <= length) {
    const k = length - pos + int(1, 3);
    raw ? ops.push(chance(0.5) ? { delete: k } : { retain: k, attributes: { bold: true } }) : d.retain(k, { bold: true });
  }
  return raw ? ops : d.ops;
}

const clone = (x) => JSON.parse(JSON.stringify(x));
// Either shape ShareDB clients send: a bare array of ops or a Delta printed as {"ops":[...]}.
const shape = (ops) => (chance(0.5) ? { ops: clone(ops) } : clone(ops));
const inputLength = (ops) => ops.reduce((n, op) => n + (typeof op.delete === 'number' ? op.delete : typeof op.retain === 'number' ? op.retain : 0), 0);
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const splitsPair = (delta) => delta.ops.some((op) => typeof op.insert === 'string' && LONE_SURROGATE.test(op.insert));

// Ops of the wrong shape: the reference reads most of them as something else (an empty delta, a zero-length op)
// where we refuse them.
const BAD_OPS = [
  5, 'abc', true, { ops: 5 }, { ops: [{ insert: 'a' }], extra: 1 }, {},
  [null], [5], ['x'], [[]], [{}], [{ foo: 1 }],
  [{ retain: 0 }], [{ retain: -2 }], [{ retain: 1.5 }], [{ retain: '3' }], [{ retain: 1e10 }],
  [{ delete: 0 }], [{ delete: -1 }], [{ delete: 2.5 }], [{ delete: null }],
  [{ insert: '' }], [{ insert: 5 }], [{ insert: null }], [{ insert: [1] }], [{ insert: true }],
  [{ retain: 1, delete: 1 }], [{ insert: 'a', retain: 1 }], [{ insert: 'a', delete: 1 }],
  [{ insert: 'a', attributes: 5 }], [{ insert: 'a', attributes: 'bold' }], [{ insert: 'a', attributes: [1] }],
  [{ insert: 'a', attributes: null }], [{ retain: 1, attributes: true }], [{ delete: 1, attributes: { bold: true } }],
  [{ retain: 1 }, { insert: 'x', bold: true }], [{ insert: 'ok' }, { retain: 'all' }],
];
const NOT_DOCUMENTS = [[{ insert: 'ab' }, { retain: 2 }], [{ delete: 1 }], [{ insert: 'a' }, { delete: 1 }],
  { ops: [{ retain: 3, attributes: { bold: true } }] }];

function run(f) {
  try {
    return { result: clone(f()) };
  } catch (e) {
    return { error: String(e && e.message) };
  }
}

function applyCase() {
  const doc = randomDoc();
  const pastEnd = chance(0.06);
  const op = randomOp(doc.length(), { pastEnd });
  const c = { kind: 'apply', doc: shape(doc.ops), op: shape(op) };
  Object.assign(c, run(() => type.apply(clone(c.doc), clone(c.op))));
  if (inputLength(op) > doc.length()) c.reject = 'op-past-end';
  else if (c.result && splitsPair(new Delta(c.result))) c.reject = 'splits-surrogate-pair';
  return c;
}

function transformCase() {
  const doc = randomDoc();
  const c = { kind: 'transform', op: shape(randomOp(doc.length())), other: shape(randomOp(doc.length())),
    side: chance(0.5) ? 'left' : 'right' };
  return Object.assign(c, run(() => type.transform(clone(c.op), clone(c.other), c.side)));
}

function composeCase() {
  const doc = randomDoc();
  const a = randomOp(doc.length());
  const after = type.apply(doc, a);
  const b = randomOp(after.length());
  const c = { kind: 'compose', a: shape(a), b: shape(b) };
  Object.assign(c, run(() => type.compose(clone(c.a), clone(c.b))));
  if (c.result && splitsPair(new Delta(c.result))) c.reject = 'splits-surrogate-pair';
  return c;
}

function invertCase() {
  const doc = randomDoc();
  const tooShort = chance(0.04);
  const op = randomOp(doc.length(), { pastEnd: tooShort });
  const c = { kind: 'invert', op: shape(op), base: shape(doc.ops) };
  Object.assign(c, run(() => new Delta(clone(c.op)).invert(new Delta(clone(c.base)))));
  if (inputLength(op) > doc.length()) c.reject = 'base-too-short';
  else if (c.result && splitsPair(new Delta(c.result))) c.reject = 'splits-surrogate-pair';
  return c;
}

function transformPositionCase() {
  const doc = randomDoc();
  const c = { kind: 'transformPosition', index: int(0, doc.length() + 2), op: shape(randomOp(doc.length())),
    priority: chance(0.5) };
  return Object.assign(c, run(() => new Delta(clone(c.op)).transformPosition(c.index, c.priority)));
}

function transformPresenceCase() {
  const doc = randomDoc();
  const index = int(0, doc.length());
  const range = { index, length: int(0, doc.length() - index) };
  if (chance(0.2)) range.name = 'ann';
  const c = { kind: 'transformPresence', range, op: shape(randomOp(doc.length())), isOwnOp: chance(0.5) };
  return Object.assign(c, run(() => type.transformPresence(clone(c.range), clone(c.op), c.isOwnOp)));
}

function badInputCase() {
  const r = random();
  const bad = clone(pick(BAD_OPS));
  const doc = randomDoc();
  let c;
  if (r < 0.15) {
    c = { kind: 'apply', doc: clone(pick(NOT_DOCUMENTS)), op: shape(randomOp(2)) };
    Object.assign(c, run(() => type.apply(clone(c.doc), clone(c.op))));
    c.reject = 'not-a-document';
    return c;
  }
  if (r < 0.55) {
    c = { kind: 'apply', doc: shape(doc.ops), op: bad };
    Object.assign(c, run(() => type.apply(clone(c.doc), clone(c.op))));
  } else if (r < 0.75) {
    c = { kind: 'transform', op: bad, other: shape(randomOp(doc.length())), side: chance(0.5) ? 'left' : 'right' };
    if (chance(0.5)) [c.op, c.other] = [c.other, c.op];
    Object.assign(c, run(() => type.transform(clone(c.op), clone(c.other), c.side)));
  } else {
    c = { kind: 'compose', a: bad, b: shape(randomOp(doc.length())) };
    if (chance(0.5)) [c.a, c.b] = [c.b, c.a];
    Object.assign(c, run(() => type.compose(clone(c.a), clone(c.b))));
  }
  c.reject = 'invalid-op';
  return c;
}

// Fixed mix: 25 % apply, 25 % transform, 16 % compose, 12 % invert, 10 % transformPosition, 6 % presence, 6 % bad input.
const MIX = [[0.25, applyCase], [0.5, transformCase], [0.66, composeCase], [0.78, invertCase],
  [0.88, transformPositionCase], [0.94, transformPresenceCase], [1, badInputCase]];

const lines = [];
for (let id = 0; id < args.count; id++) {
  const r = random();
  const make = MIX.find(([upTo]) => r < upTo)[1];
  lines.push(JSON.stringify(Object.assign({ id }, make())));
}
fs.writeFileSync(args.out, lines.join('\n') + '\n');
console.error(`wrote ${lines.length} cases to ${args.out} (seed ${args.seed})`);
