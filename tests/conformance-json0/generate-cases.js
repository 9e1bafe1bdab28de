// Generates seeded random conformance cases for the json0 type (src/CollabText/Json0), with the reference
// ot-json0 1.1.0 computing every expected result. tests/CollabText.Tests/Json0ConformanceTests.cs replays each case
// through our type and requires the same result, or a rejection.
//
// Usage: node generate-cases.js [--seed N] [--count N] [--out FILE]   (defaults: seed 20261204, 7000 cases,
// cases.jsonl next to this script). One JSON object per line:
//   {"id","kind":"apply","doc","op", "result"|"error"}                 result: JSON.stringify of the new document
//   {"id","kind":"transform","doc","op","other","side", "result"|"error"}   (doc: the one both ops were made for)
//   {"id","kind":"compose","doc","a","b", "result"|"error"}
//   {"id","kind":"invert","doc","op", "result"|"error"}
//   {"id","kind":"normalize","op", "result"|"error"}
// "error" is the reference's exception message: our type must throw a Json0Exception for that case too. A case may
// carry "stricter": "<reason>" where the reference returns a result but our type deliberately refuses the input
// (docs/json0.md, "Deliberate differences"); the reference's result is still recorded. The reasons are computed by
// strictProblem below, which states our extra rules in JavaScript.
'use strict';
const fs = require('fs');
const path = require('path');
const { type } = require('ot-json0');

const referenceApply = type.apply; // transform calls type.apply inside; see innerApplyProblem

function parseArgs(argv) {
  const args = { seed: 20261204, count: 7000, out: path.join(__dirname, 'cases.jsonl') };
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
  const int = (n) => Math.floor(next() * n);
  return { next, int, chance: (p) => next() < p, pick: (xs) => xs[int(xs.length)] };
}

const clone = (x) => (x === undefined ? undefined : JSON.parse(JSON.stringify(x)));
const isObject = (x) => !!x && x.constructor === Object;

// Keys include array-index keys ("0", "10": JavaScript lists them first) and ones that need escaping.
const keys = ['a', 'b', 'c', 'x', 'y', '0', '1', '10', 'é', 'q"k', ''];
// Text pieces: escapes JSON.stringify makes (\" \\ \n \t \u0001) and ones it does not (é 中 \u2028).
const pieces = ['a', 'b', 'c', ' ', 'xy', 'é', '中', '"', '\\', '\n', '\t', '\u0001', '\u2028'];
const numbers = [0, 1, -1, 2, 7, 42, 0.5, -2.25, 1e21, 1.5e-7, 123456789, 0.1, 1e300, -0.000001];

function randomText(rng, max) {
  let s = '';
  const n = rng.int(max + 1);
  for (let i = 0; i < n; i++) s += rng.pick(pieces);
  return s;
}

function randomScalar(rng) {
  const roll = rng.int(6);
  if (roll === 0) return null;
  if (roll === 1) return rng.chance(0.5);
  if (roll <= 3) return rng.pick(numbers);
  return randomText(rng, 4);
}

function randomValue(rng, depth) {
  const roll = rng.next();
  if (depth <= 0 || roll < 0.45) return randomScalar(rng);
  if (roll < 0.72) {
    const n = rng.int(4);
    const list = [];
    for (let i = 0; i < n; i++) list.push(randomValue(rng, depth - 1));
    return list;
  }
  const obj = {};
  const n = rng.int(4);
  for (let i = 0; i < n; i++) obj[rng.pick(keys)] = randomValue(rng, depth - 1);
  return obj;
}

// Documents are mostly objects and lists a few levels deep, so two random ops often meet on one path.
function randomDoc(rng) {
  const roll = rng.next();
  if (roll < 0.04) return randomScalar(rng);
  if (roll < 0.3) {
    const list = [];
    for (let i = rng.int(5); i >= 0; i--) list.push(randomValue(rng, 2));
    return list;
  }
  const obj = {};
  for (let i = rng.int(5); i >= 0; i--) obj[rng.pick(keys)] = randomValue(rng, 2);
  return obj;
}

// Every [path, value] in the document, the root first.
function allPaths(doc) {
  const out = [];
  (function walk(v, p) {
    out.push([p, v]);
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...p, i]));
    else if (isObject(v)) for (const k of Object.keys(v)) walk(v[k], [...p, k]);
  })(doc, []);
  return out;
}

// One valid component for this document (the reference applies it, and our stricter rules accept it).
function randomComponent(rng, doc) {
  const paths = allPaths(doc);
  for (let attempt = 0; attempt < 20; attempt++) {
    const [p, v] = rng.pick(paths);
    const stale = () => (rng.chance(0.1) ? randomScalar(rng) : clone(v)); // od/ld values are not checked
    if (Array.isArray(v)) {
      const roll = rng.int(4);
      const n = v.length;
      if (roll === 0 || n === 0) return { p: [...p, rng.int(n + 1)], li: randomValue(rng, 1) };
      const i = rng.int(n);
      if (roll === 1) return { p: [...p, i], ld: rng.chance(0.9) ? clone(v[i]) : randomScalar(rng) };
      if (roll === 2) return { p: [...p, i], ld: clone(v[i]), li: randomValue(rng, 1) };
      return { p: [...p, i], lm: rng.int(n) };
    }
    if (isObject(v)) {
      const present = Object.keys(v);
      const roll = rng.int(4);
      if (roll === 0 || present.length === 0) {
        const k = rng.pick(keys);
        return present.includes(k) && rng.chance(0.5) ? { p: [...p, k], od: clone(v[k]), oi: randomValue(rng, 1) } : { p: [...p, k], oi: randomValue(rng, 1) };
      }
      const k = rng.pick(present);
      if (roll === 1) return { p: [...p, k], od: rng.chance(0.9) ? clone(v[k]) : randomScalar(rng) };
      if (roll === 2) return { p: [...p, k], od: clone(v[k]), oi: randomValue(rng, 1) };
      return { p: [...p, k], oi: randomValue(rng, 1) }; // set without saying the old value, as many apps do
    }
    if (typeof v === 'number' && Math.abs(v) < 1e15) return { p, na: rng.pick([1, -1, 2, 5, 0.5, -3, 100]) };
    if (typeof v === 'string') {
      const roll = rng.int(5);
      const at = rng.int(v.length + 1);
      if (roll <= 1) return { p: [...p, at], si: randomText(rng, 2) || 'z' };
      if (roll <= 3 && at < v.length) return { p: [...p, at], sd: v.slice(at, at + 1 + rng.int(3)) };
      const o = [];
      let s = v;
      for (let i = rng.int(2); i >= 0; i--) {
        const q = rng.int(s.length + 1);
        const c = rng.chance(0.5) || q === s.length ? { p: q, i: randomText(rng, 2) || 'z' } : { p: q, d: s.slice(q, q + 1 + rng.int(2)) };
        o.push(c);
        s = c.i !== undefined ? s.slice(0, q) + c.i + s.slice(q) : s.slice(0, q) + s.slice(q + c.d.length);
      }
      return { p, t: 'text0', o };
    }
    if (p.length === 0 && rng.chance(0.5)) return { p: [], od: clone(doc), oi: randomDoc(rng) };
  }
  return { p: [], od: clone(doc), oi: randomDoc(rng) }; // nothing else fitted: replace the whole document
}

// A valid op of 1-4 components, each made for the document the previous ones leave.
function randomOp(rng, doc, maxComponents = 4) {
  const op = [];
  let d = clone(doc);
  for (let n = 1 + rng.int(maxComponents); n > 0; n--) {
    const c = randomComponent(rng, d);
    op.push(c);
    d = referenceApply(d, [clone(c)]);
  }
  return op;
}

// --- inputs that are wrong ------------------------------------------------------------------------------------

// A component with a broken shape: our parser refuses all of these; the reference refuses some.
function badShape(rng, doc) {
  const c = randomComponent(rng, doc);
  const makers = [
    () => { delete c.p; return c; },
    () => ({ ...c, p: 'a' }),
    () => ({ p: c.p }), // no instruction
    () => ({ ...c, na: 1, li: 2 }), // two instructions
    () => ({ p: c.p, t: 'text-unicode', o: [1, 'x'] }),
    () => ({ p: c.p, t: 'rich-text', o: [{ insert: 'x' }] }),
    () => ({ ...c, extra: 1 }),
    () => ({ p: [...c.p.slice(0, -1), -1], li: 1 }),
    () => ({ p: [...c.p, 1.5], li: 1 }),
    () => ({ p: c.p, lm: -1 }),
    () => ({ p: [...c.p, 'k'], li: 1 }), // list instruction on a key
    () => ({ p: [...c.p, 0], oi: 1 }), // object instruction on an index
    () => ({ p: [], od: clone(doc) }), // delete the whole document
    () => ({ p: c.p, na: '1' }),
    () => ({ p: c.p, si: 5 }),
    () => ({ p: c.p, t: 'text0', o: [{ p: 0 }] }),
    () => ({ p: c.p, t: 'text0' }),
    () => 'oi',
  ];
  return rng.pick(makers)();
}

// A well-shaped component that does not fit the document (the reference throws for some, ignores others).
function badFit(rng, doc) {
  const paths = allPaths(doc);
  const [p, v] = rng.pick(paths);
  const makers = [];
  if (Array.isArray(v)) {
    const n = v.length;
    makers.push(
      () => ({ p: [...p, n + rng.int(3)], li: 1 }), // insert past the end
      () => ({ p: [...p, n + rng.int(2)], ld: 1 }), // delete past the end
      () => ({ p: [...p, n + rng.int(2)], ld: 1, li: 2 }),
      () => ({ p: [...p, rng.int(n + 2)], lm: n + rng.int(2) }), // move past the end
      () => ({ p: [...p, n], lm: 0 }),
      () => ({ p: [...p, 'a'], oi: 1 }), // a key into a list
      () => ({ p: [...p, n + 1, 'a'], oi: 1 }), // through a missing item
      () => ({ p: [...p, 0], na: 1 }),
    );
  } else if (isObject(v)) {
    const missing = keys.find((k) => !(k in v)) || 'zz';
    makers.push(
      () => ({ p: [...p, missing], od: 1 }), // delete a missing key
      () => ({ p: [...p, missing], od: 1, oi: 2 }),
      () => ({ p: [...p, 0], li: 1 }), // a list instruction on an object
      () => ({ p: [...p, missing, 'x'], oi: 1 }), // through a missing key
      () => ({ p: [...p, missing], na: 1 }),
      () => ({ p: [...p, 0], lm: 0 }),
    );
  } else if (typeof v === 'string') {
    makers.push(
      () => ({ p: [...p, v.length + 1 + rng.int(3)], si: 'x' }), // insert past the end of the string
      () => ({ p: [...p, rng.int(v.length + 1)], sd: v + 'q' }), // delete text that is not there
      () => ({ p, t: 'text0', o: [{ p: v.length + 2, i: 'x' }] }),
      () => ({ p, t: 'text0', o: [{ p: 0, d: 'nope' }] }),
      () => ({ p, na: 1 }),
      () => ({ p: [...p, 0], oi: 1 }),
    );
  } else if (typeof v === 'number') {
    makers.push(() => ({ p, na: 1e308 }), () => ({ p, si: 'x' }), () => ({ p: [...p, 0], si: 'x' }), () => ({ p, t: 'text0', o: [] }));
  } else {
    makers.push(() => ({ p: [...p, 0], li: 1 }), () => ({ p: [...p, 'a'], oi: 1 }), () => ({ p, na: 1 }), () => ({ p: [...p, 0], si: 'x' }));
  }
  return rng.pick(makers)();
}

// --- our stricter rules, in JavaScript -------------------------------------------------------------------------

const shapeKeys = new Set(['p', 'oi', 'od', 'li', 'ld', 'lm', 'na', 'si', 'sd', 't', 'o']);
const isIndex = (x) => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 2147483647;

// Why our parser refuses this component, or null.
function shapeProblem(c) {
  if (!isObject(c)) return 'component-not-an-object';
  for (const k of Object.keys(c)) if (!shapeKeys.has(k)) return 'unknown-field';
  if (!Array.isArray(c.p)) return 'path-not-a-list';
  if (!c.p.every((s) => typeof s === 'string' || isIndex(s))) return 'bad-path-segment';
  for (const k of ['si', 'sd', 't']) if (k in c && typeof c[k] !== 'string') return 'not-a-string';
  if ('na' in c && !(typeof c.na === 'number' && Number.isFinite(c.na))) return 'na-not-a-number';
  if ('lm' in c && !isIndex(c.lm)) return 'lm-not-an-index';
  if ('t' in c && c.t !== 'text0') return 'unknown-subtype';
  if ('t' in c !== 'o' in c) return 'subtype-without-op';
  if ('o' in c) {
    if (!Array.isArray(c.o)) return 'bad-text0-op';
    for (const o of c.o) {
      if (!isObject(o) || !Object.keys(o).every((k) => k === 'p' || k === 'i' || k === 'd')) return 'bad-text0-op';
      if (!isIndex(o.p) || (typeof o.i === 'string') === (typeof o.d === 'string')) return 'bad-text0-op';
      if (('i' in o && typeof o.i !== 'string') || ('d' in o && typeof o.d !== 'string')) return 'bad-text0-op';
    }
  }
  const has = [...shapeKeys].filter((k) => k !== 'p' && k !== 'o' && k in c).sort().join('+');
  const allowed = ['oi', 'od', 'od+oi', 'li', 'ld', 'ld+li', 'lm', 'na', 'si', 'sd', 't'];
  if (!allowed.includes(has)) return 'not-one-instruction';
  const last = c.p[c.p.length - 1];
  if (['li', 'ld', 'ld+li', 'lm', 'si', 'sd'].includes(has) && typeof last !== 'number') return 'path-must-end-with-index';
  if (has === 'od' && c.p.length === 0) return 'delete-whole-document';
  if (['oi', 'od', 'od+oi'].includes(has) && c.p.length > 0 && typeof last !== 'string') return 'path-must-end-with-key';
  return null;
}

function opShapeProblem(op) {
  if (!Array.isArray(op)) return 'op-not-a-list';
  for (const c of op) {
    const problem = shapeProblem(c);
    if (problem) return problem;
  }
  return null;
}

// Why our apply refuses this (well-shaped) component on this document, or null.
function fitProblem(doc, c) {
  const textOp = 't' in c || 'na' in c;
  const rootReplace = 'oi' in c && c.p.length === 0;
  if (rootReplace) return null;
  const walk = textOp ? c.p : c.p.slice(0, -1);
  let node = doc;
  for (const s of walk) {
    if (Array.isArray(node)) {
      if (typeof s !== 'number') return 'key-into-list';
      if (s >= node.length) return 'index-past-end';
    } else if (isObject(node)) {
      if (typeof s !== 'string') return 'index-into-object';
      if (!Object.prototype.hasOwnProperty.call(node, s)) return 'missing-key';
    } else return 'path-through-scalar';
    node = node[s];
  }
  const last = c.p[c.p.length - 1];
  if ('na' in c) return typeof node !== 'number' ? 'not-a-number' : Number.isFinite(node + c.na) ? null : 'number-overflow';
  if ('t' in c || 'si' in c || 'sd' in c) {
    if (typeof node !== 'string') return 'not-a-string';
    const o = 't' in c ? c.o : [{ p: last, i: c.si, d: c.sd }];
    let s = node;
    for (const x of o) {
      if (x.p > s.length) return 'text-past-end';
      if (typeof x.i === 'string') s = s.slice(0, x.p) + x.i + s.slice(x.p);
      else if (s.slice(x.p, x.p + x.d.length) !== x.d) return 'text-mismatch';
      else s = s.slice(0, x.p) + s.slice(x.p + x.d.length);
    }
    return null;
  }
  if ('li' in c || 'ld' in c || 'lm' in c) {
    if (!Array.isArray(node)) return 'not-a-list';
    if (last > node.length || (last === node.length && !('li' in c && !('ld' in c)))) return 'index-past-end';
    if ('lm' in c && c.lm >= node.length) return 'index-past-end';
    return null;
  }
  if (!isObject(node)) return 'not-an-object';
  if ('od' in c && !Object.prototype.hasOwnProperty.call(node, last)) return 'missing-key';
  return null;
}

// Why we refuse to apply this op to this document, or null; walks the op with the reference's apply.
function applyProblem(doc, op) {
  const shape = opShapeProblem(op);
  if (shape) return shape;
  let d = clone(doc);
  for (const c of op) {
    const problem = fitProblem(d, c);
    if (problem) return problem;
    d = referenceApply(d, [clone(c)]);
  }
  return null;
}

// --- cases ------------------------------------------------------------------------------------------------------

// The reference mutates some inputs, so every call gets fresh copies.
function outcome(fn) {
  try {
    const result = fn();
    return { result: result === undefined ? null : result };
  } catch (e) {
    return { error: String(e.message) };
  }
}

function withStricter(c, problem) {
  if (problem && c.error === undefined) c.stricter = problem;
  return c;
}

function applyCase(rng, invalidShare) {
  const doc = randomDoc(rng);
  const roll = rng.next();
  let op;
  if (roll < invalidShare / 2) op = [...randomOp(rng, doc, 2), badShape(rng, doc)];
  else if (roll < invalidShare) op = rng.chance(0.5) ? [badFit(rng, doc)] : [...randomOp(rng, doc, 2), badFit(rng, doc)];
  else op = randomOp(rng, doc);
  let problem = null;
  try {
    problem = applyProblem(doc, op);
  } catch {
    problem = 'reference-throws'; // the reference's own error is the expectation then
  }
  const c = { kind: 'apply', doc, op, ...outcome(() => JSON.stringify(referenceApply(clone(doc), clone(op)))) };
  return withStricter(c, problem);
}

// When a component deletes a value (ld/od) that the other op changes, the reference applies that change to the
// deleted value it carries. That value can be stale (oi without od elsewhere, or an od/ld that was never right);
// where our apply refuses the change, we refuse the transform: "stale-delete-value".
function innerApplyProblem(fn) {
  let problem = null;
  type.apply = (snapshot, op) => {
    if (!problem) {
      try {
        if (applyProblem(snapshot, op)) problem = 'stale-delete-value';
      } catch {
        problem = 'stale-delete-value';
      }
    }
    return referenceApply(snapshot, op);
  };
  try {
    return { ...outcome(fn), problem };
  } finally {
    type.apply = referenceApply;
  }
}

function transformCase(rng, side) {
  const doc = randomDoc(rng);
  const op = randomOp(rng, doc, 3);
  const other = rng.chance(0.04) ? [badShape(rng, doc)] : randomOp(rng, doc, 3);
  const [x, y] = rng.chance(0.5) ? [op, other] : [other, op];
  const shape = opShapeProblem(x) || opShapeProblem(y);
  const { problem, ...result } = innerApplyProblem(() => type.transform(clone(x), clone(y), side));
  // Ops that disagree about the document's shape can transform into an op we refuse to express.
  const invalidResult = result.result && opShapeProblem(result.result) ? 'invalid-result' : null;
  return withStricter({ kind: 'transform', doc, op: x, other: y, side, ...result }, shape || problem || invalidResult);
}

function composeCase(rng) {
  const doc = randomDoc(rng);
  const a = randomOp(rng, doc, 3);
  const after = referenceApply(clone(doc), clone(a));
  const b = rng.chance(0.04) ? [badShape(rng, after)] : randomOp(rng, after, 3);
  const shape = opShapeProblem(a) || opShapeProblem(b);
  return withStricter({ kind: 'compose', doc, a, b, ...outcome(() => type.compose(clone(a), clone(b))) }, shape);
}

function invertCase(rng) {
  const doc = randomDoc(rng);
  const op = rng.chance(0.04) ? [badShape(rng, doc)] : randomOp(rng, doc, 4);
  return withStricter({ kind: 'invert', doc, op, ...outcome(() => type.invert(clone(op))) }, opShapeProblem(op));
}

// Ops whose neighbours merge: repeated string edits at one place, na twice, insert then delete, od then oi.
function normalizeCase(rng) {
  const doc = randomDoc(rng);
  const op = [];
  let d = clone(doc);
  for (let n = 2 + rng.int(4); n > 0; n--) {
    let c;
    const prev = op[op.length - 1];
    if (prev && rng.chance(0.6)) {
      c = followUp(rng, prev, d);
    }
    if (!c) c = randomComponent(rng, d);
    op.push(c);
    d = referenceApply(d, [clone(c)]);
  }
  if (rng.chance(0.04)) op.push(badShape(rng, d));
  return withStricter({ kind: 'normalize', op, ...outcome(() => type.normalize(clone(op))) }, opShapeProblem(op));
}

// A component right after prev on the same path, of the kinds append merges.
function followUp(rng, prev, doc) {
  const p = prev.p;
  if ('si' in prev) return rng.chance(0.5) ? { p: [...p.slice(0, -1), p[p.length - 1] + rng.int(prev.si.length + 1)], si: 'k' } : { p, sd: prev.si.slice(0, 1 + rng.int(prev.si.length)) };
  if ('sd' in prev) {
    const at = p[p.length - 1];
    const s = p.slice(0, -1).reduce((v, k) => v[k], doc);
    const from = Math.max(0, at - rng.int(2));
    return s.length > from ? { p: [...p.slice(0, -1), from], sd: s.slice(from, from + 1 + rng.int(2)) } : null;
  }
  if ('na' in prev) return { p, na: rng.pick([1, -1, 3]) };
  if ('li' in prev && !('ld' in prev)) return rng.chance(0.7) ? { p, ld: clone(prev.li) } : null;
  if ('od' in prev && !('oi' in prev)) return { p, oi: randomValue(rng, 1) };
  if ('oi' in prev) return rng.chance(0.5) ? { p, od: clone(prev.oi) } : { p, od: clone(prev.oi), oi: randomScalar(rng) };
  if ('lm' in prev) return { p: [...p.slice(0, -1), prev.lm], lm: prev.lm };
  return null;
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const rng = rngFrom(args.seed);
  const makers = [
    (r) => applyCase(r, 0.1),
    (r) => transformCase(r, 'left'),
    (r) => transformCase(r, 'right'),
    composeCase,
    invertCase,
    normalizeCase,
    (r) => applyCase(r, 0.6), // mostly inputs that are wrong
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
