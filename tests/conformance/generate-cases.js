// Generates seeded random conformance cases for the text-unicode engine (src/CollabActors/Text), with the reference
// ot-text-unicode 4.0.0 computing every expected result. tests/CollabActors.Tests/Text/ReferenceConformanceTests.cs
// replays each case through our engine and requires the same result, or the same rejection.
//
// Usage: node generate-cases.js [--seed N] [--count N] [--out FILE]   (defaults: seed 20261125, 6000 cases,
// cases.jsonl next to this script). One JSON object per line:
//   {"id","kind":"apply","doc","op", "result"|"error"}
//   {"id","kind":"transform","op","other","side":"left"|"right", "result"|"error"}
//   {"id","kind":"compose","a","b", "result"|"error"}
//   {"id","kind":"transformPosition","cursor","op", "result"|"error"}
// "error" is the reference's exception message: our engine must throw a TextOpException for that case too.
// A case may also carry "stricter": "<reason>" where the reference returns a result but our engine deliberately
// rejects the input (see docs/text-engine.md, "Deliberate differences"); the result is still recorded.
'use strict';
const fs = require('fs');
const path = require('path');
const { type } = require('ot-text-unicode');

function parseArgs(argv) {
  const args = { seed: 20261125, count: 6000, out: path.join(__dirname, 'cases.jsonl') };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i], value = argv[i + 1];
    if (key === '--seed') args.seed = Number(value);
    else if (key === '--count') args.count = Number(value);
    else if (key === '--out') args.out = value;
    else throw Error(`unknown argument ${key}; usage: node generate-cases.js [--seed N] [--count N] [--out FILE]`);
  }
  if (!Number.isInteger(args.seed) || !Number.isInteger(args.count) || args.count < 1) throw Error('bad --seed/--count');
  return args;
}

// mulberry32: small, seedable, deterministic across Node versions.
function rngFrom(s) {
  let a = s >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n), chance: (p) => next() < p };
}

// Pieces text is built from. Ops cut documents per code point, so they also split the multi-code-point pieces
// (combining sequences, ZWJ sequences, flags, skin tones) wherever a code point boundary falls.
const pieces = [
  'a', 'b', 'c', 'x', ' ', '\n', 'é', 'ﬀ', '中', // BMP, one code point each
  'e\u0301', 'a\u0308\u0323', // combining marks
  '😀', '𝄞', '💃', // astral: surrogate pairs
  '👩\u200d👩\u200d👧', '👨\u200d💻', '👍🏽', '🇫🇷', // ZWJ sequences, skin tone modifier, regional indicators
  '\u200d', // a stray zero-width joiner
];

const cps = (s) => Array.from(s);
const cpLength = (s) => cps(s).length;

function randomText(rng, maxPieces) {
  let s = '';
  const n = 1 + rng.int(maxPieces);
  for (let i = 0; i < n; i++) s += pieces[rng.int(pieces.length)];
  return s;
}

function randomDoc(rng) {
  return rng.chance(0.15) ? '' : randomText(rng, 12);
}

// A valid op (normalized, as clients send them) that fits a document of these code points. Deletes carry their
// text a quarter of the time, and sometimes run to the very end of the document.
function randomOp(rng, docCps) {
  const op = [];
  let pos = 0;
  const parts = 1 + rng.int(5);
  for (let i = 0; i < parts; i++) {
    const left = docCps.length - pos;
    const roll = rng.next();
    if (roll < 0.3 && left > 0) {
      const k = 1 + rng.int(left);
      op.push(k);
      pos += k;
    } else if (roll < 0.65) {
      op.push(randomText(rng, 4));
    } else if (left > 0) {
      const k = rng.chance(0.2) ? left : 1 + rng.int(Math.min(6, left));
      op.push(rng.chance(0.25) ? { d: docCps.slice(pos, pos + k).join('') } : { d: k });
      pos += k;
    }
  }
  return type.normalize(clone(op));
}

// An op the reference rejects in checkOp (or in apply, for a skip past the end of the document).
function invalidOp(rng, docCps) {
  const valid = randomOp(rng, docCps);
  const at = rng.int(valid.length + 1);
  const bad = [
    () => 0, // zero skip
    () => -(1 + rng.int(3)), // negative skip
    () => '', // empty insert
    () => ({ d: 0 }), // empty delete
    () => ({ d: '' }),
  ];
  const roll = rng.int(bad.length + 2);
  if (roll < bad.length) return [...valid.slice(0, at), bad[roll](), ...valid.slice(at)];
  if (roll === bad.length) return [...valid, 1 + rng.int(3)]; // trailing skip (maybe also adjacent to a skip)
  return [3, 4, ...valid]; // adjacent skips
}

// A valid op whose skips run past the end of the document (the reference's apply throws "op is too long").
function skipPastEnd(rng, docCps) {
  return type.normalize([docCps.length + 1 + rng.int(3), randomText(rng, 2)]);
}

// A valid op whose last delete runs past the end of the document: the reference's apply silently deletes only
// what is there; ours rejects the op (docs/text-engine.md).
function deletePastEnd(rng, docCps) {
  const skip = rng.int(docCps.length + 1);
  const op = [];
  if (skip > 0) op.push(skip);
  if (rng.chance(0.5)) op.push(randomText(rng, 2));
  op.push({ d: docCps.length - skip + 1 + rng.int(3) });
  if (rng.chance(0.3)) op.push(randomText(rng, 2));
  return type.normalize(op);
}

const clone = (x) => JSON.parse(JSON.stringify(x));

// The reference mutates delete components of its inputs while appending, so every call gets fresh copies.
function outcome(fn) {
  try {
    return { result: fn() };
  } catch (e) {
    return { error: String(e.message) };
  }
}

function applyCase(rng) {
  const doc = randomDoc(rng);
  const docCps = cps(doc);
  const roll = rng.next();
  let op, stricter;
  if (roll < 0.8) op = randomOp(rng, docCps);
  else if (roll < 0.88) op = invalidOp(rng, docCps);
  else if (roll < 0.93) op = skipPastEnd(rng, docCps);
  else {
    op = deletePastEnd(rng, docCps);
    stricter = 'delete-past-end';
  }
  const c = { kind: 'apply', doc, op, ...outcome(() => type.apply(doc, clone(op))) };
  if (stricter && c.error === undefined) c.stricter = stricter;
  return c;
}

// Two ops on one document, the second sometimes invalid.
function transformCase(rng, side) {
  const docCps = cps(randomDoc(rng));
  const op = randomOp(rng, docCps);
  const roll = rng.next();
  // Mostly two ops on one document; sometimes an invalid one, or one made for a longer document.
  const other = roll < 0.05 ? invalidOp(rng, docCps)
    : roll < 0.1 ? randomOp(rng, [...docCps, ...cps(randomText(rng, 4))])
      : randomOp(rng, docCps);
  const [x, y] = rng.chance(0.5) ? [op, other] : [other, op];
  return { kind: 'transform', op: x, other: y, side, ...outcome(() => type.transform(clone(x), clone(y), side)) };
}

function composeCase(rng) {
  const doc = randomDoc(rng);
  const a = rng.chance(0.05) ? invalidOp(rng, cps(doc)) : randomOp(rng, cps(doc));
  let after;
  try {
    after = type.apply(doc, clone(a));
  } catch {
    after = doc;
  }
  // Now and then b was made for a longer document than a leaves: past its end a composes as an endless skip.
  const b = randomOp(rng, cps(rng.chance(0.05) ? after + randomText(rng, 4) : after));
  return { kind: 'compose', a, b, ...outcome(() => type.compose(clone(a), clone(b))) };
}

function transformPositionCase(rng) {
  const docCps = cps(randomDoc(rng));
  const op = randomOp(rng, docCps);
  // Mostly inside the document, sometimes at its very end or just past it.
  const cursor = rng.chance(0.1) ? docCps.length + rng.int(3) : rng.int(docCps.length + 1);
  return { kind: 'transformPosition', cursor, op, ...outcome(() => type.transformPosition(cursor, clone(op))) };
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const rng = rngFrom(args.seed);
  const makers = [
    applyCase,
    (r) => transformCase(r, 'left'),
    (r) => transformCase(r, 'right'),
    composeCase,
    transformPositionCase,
  ];
  const lines = [];
  for (let id = 0; id < args.count; id++) {
    lines.push(JSON.stringify({ id, ...makers[id % makers.length](rng) }));
  }
  fs.writeFileSync(args.out, lines.join('\n') + '\n');
  const errors = lines.filter((l) => l.includes('"error":')).length;
  const stricter = lines.filter((l) => l.includes('"stricter":')).length;
  console.log(`${args.count} cases (seed ${args.seed}, ${errors} where the reference throws, ${stricter} stricter) -> ${args.out}`);
}

main();
