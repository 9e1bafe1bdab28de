// Fetch queries through the unmodified npm sharedb 7 client, against CollabHost and against stock ShareDB 7 with
// sharedb-mingo-memory 4.1.0 (mingo 6.2.1; versions pinned in package-lock.json) in this process, on the same corpus
// of documents built by the same ops: every generated query must give the same ids in the same order (and the same
// versions and data, or the same $count). For tests/CollabHost.Tests/Queries/SharedbClientQueryTests.cs; prints one
// JSON line with what it compared. Every wait is bounded.
// Usage: node queries.js ws://127.0.0.1:PORT/ws <seed> <queries>
'use strict';
const WebSocket = require('ws');
const ShareDB = require('sharedb');
const ShareDBMingo = require('sharedb-mingo-memory');
const Client = require('sharedb/lib/client');
const richText = require('rich-text');
const { type: textUnicode } = require('ot-text-unicode');

Client.types.register(textUnicode);
Client.types.register(richText.type);
ShareDB.types.register(textUnicode);
ShareDB.types.register(richText.type);

const JSON0 = 'http://sharejs.org/types/JSONv0';
const TEXT = 'http://sharejs.org/types/text-unicode';
const RICH = 'http://sharejs.org/types/rich-text/v1';

const [url, seedArg, countArg] = process.argv.slice(2);
const seed = Number(seedArg ?? 1);
const queryCount = Number(countArg ?? 250);
const TIMEOUT_MS = 15000;
const collection = `q${seed}-${process.pid}-${Date.now()}`;

function prng(s) {
  let a = s >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
// The corpus and the queries come from the seed; each document's edits from a generator of their own, so both
// servers get the very same ops.
let random = prng(seed);
const pick = (list) => list[Math.floor(random() * list.length)];
const chance = (p) => random() < p;
const int = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1));

function within(promise, what, ms = TIMEOUT_MS) {
  let timer;
  const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms); });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
const cb = (fn) => new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));

function connectCollab() {
  const connection = new Client.Connection(new WebSocket(url));
  return within(new Promise((resolve, reject) => {
    connection.on('connected', () => resolve(connection));
    connection.on('error', reject);
  }), 'connect to CollabHost');
}

// ---- the corpus: the same documents, made by the same ops, on both servers ----

const TITLES = ['alpha', 'beta', 'Gamma', 'delta', 'epsilon', 'zeta', 'eta', 'b', 'B', ''];
const OWNERS = ['ann', 'bob', 'cy', 'dee'];
const TAGS = ['red', 'green', 'blue', 'x'];

function newJsonDoc() {
  const data = { n: int(-3, 12), title: pick(TITLES) };
  if (chance(0.8)) data.done = chance(0.5);
  if (chance(0.7)) data.meta = { owner: pick(OWNERS), rank: chance(0.5) ? int(0, 5) : int(0, 50) / 10 };
  if (chance(0.6)) data.tags = Array.from({ length: int(0, 3) }, () => pick(TAGS));
  // A field of every kind: missing, null, a number, a string, a boolean, an array with a null in it.
  const maybe = pick(['missing', 'null', 'number', 'string', 'bool', 'array']);
  if (maybe === 'null') data.maybe = null;
  if (maybe === 'number') data.maybe = int(0, 4);
  if (maybe === 'string') data.maybe = pick(['2', 'a', 'b']);
  if (maybe === 'bool') data.maybe = chance(0.5);
  if (maybe === 'array') data.maybe = [pick([1, 2, 'a']), null];
  return data;
}

// json0 edits: number add, string insert, field set, list insert.
function jsonEdit(doc) {
  const choice = int(0, 3);
  if (choice === 0) return [{ p: ['n'], na: int(-4, 4) }];
  if (choice === 1) return [{ p: ['title', 0], si: pick(['a', 'z', 'M']) }];
  if (choice === 2) return doc.data.done === undefined ? [{ p: ['done'], oi: chance(0.5) }] : [{ p: ['done'], od: doc.data.done, oi: chance(0.5) }];
  if (!Array.isArray(doc.data.tags)) return [{ p: ['tags'], oi: [pick(TAGS)] }];
  return [{ p: ['tags', 0], li: pick(TAGS) }];
}

function corpusPlan() {
  const plan = [];
  for (let i = 0; i < 70; i++) {
    const id = `doc-${String(i).padStart(3, '0')}-${pick(['k', 'm', 'a'])}`;
    const kind = i % 10 === 7 ? 'text' : i % 10 === 9 ? 'rich' : 'json';
    const step = { id, kind, edits: chance(0.5) ? int(1, 4) : 0, del: chance(0.08) };
    if (kind === 'json') step.data = newJsonDoc();
    if (kind === 'text') step.data = pick(TITLES) + ' text';
    if (kind === 'rich') step.data = [{ insert: pick(TITLES) + '\n' }];
    step.editSeed = int(1, 1e9);
    plan.push(step);
  }
  return plan;
}

async function build(connection, plan) {
  for (const step of plan) {
    const doc = connection.get(collection, step.id);
    const type = step.kind === 'json' ? JSON0 : step.kind === 'text' ? TEXT : RICH;
    await within(cb((done) => doc.create(JSON.parse(JSON.stringify(step.data)), type, done)), `create ${step.id}`);
    const editRandom = prng(step.editSeed);
    for (let e = 0; e < step.edits; e++) {
      let op;
      if (step.kind === 'json') op = withRandom(editRandom, () => jsonEdit(doc));
      else if (step.kind === 'text') op = [Math.floor(editRandom() * 3), 'x'];
      else op = [{ insert: 'y' }];
      await within(cb((done) => doc.submitOp(op, done)), `edit ${step.id}`);
    }
    if (step.del) await within(cb((done) => doc.del(done)), `delete ${step.id}`);
  }
}

function withRandom(generator, fn) {
  const saved = random;
  random = generator;
  try {
    return fn();
  } finally {
    random = saved;
  }
}

// ---- generated queries over the subset ----

const FIELDS = ['n', 'title', 'done', 'meta.owner', 'meta.rank', 'tags', 'maybe', 'nothere'];
function value() {
  return pick([
    () => int(-3, 12), () => int(0, 50) / 10, () => pick(TITLES), () => pick(OWNERS), () => pick(TAGS),
    () => chance(0.5), () => null, () => pick(['2', 'a']), () => int(0, 4),
  ])();
}
function values() { return Array.from({ length: int(0, 4) }, value); }

function condition(depth) {
  const r = random();
  if (depth < 2 && r < 0.12) return { [pick(['$and', '$or'])]: Array.from({ length: int(1, 3) }, () => filter(depth + 1)) };
  if (r < 0.2) return metaCondition();
  const field = pick(FIELDS);
  const op = pick(['eq', 'eq', '$eq', '$ne', '$in', '$nin', '$gt', '$gte', '$lt', '$lte', '$exists', 'range']);
  if (op === 'eq') return { [field]: value() };
  if (op === '$in' || op === '$nin') return { [field]: { [op]: values() } };
  if (op === '$exists') return { [field]: { $exists: chance(0.5) } };
  if (op === 'range') return { [field]: { $gte: int(-3, 6), $lt: int(3, 12) } };
  return { [field]: { [op]: value() } };
}

function metaCondition() {
  const which = int(0, 3);
  if (which === 0) return { _id: { $in: Array.from({ length: int(1, 5) }, () => `doc-${String(int(0, 69)).padStart(3, '0')}-${pick(['k', 'm', 'a'])}`) } };
  if (which === 1) return { _id: { [pick(['$gt', '$lte'])]: `doc-0${int(1, 6)}` } };
  if (which === 2) return { _v: { [pick(['$gt', '$gte', '$lt', '$eq', '$ne'])]: int(1, 4) } };
  return { _type: pick([JSON0, TEXT, RICH, null, { $ne: JSON0 }, { $in: [TEXT, RICH] }]) };
}

function filter(depth) {
  const q = {};
  for (let i = int(1, 2); i > 0; i--) Object.assign(q, condition(depth));
  return q;
}

function query() {
  const q = chance(0.1) ? {} : filter(0);
  if (chance(0.45)) {
    // Sorted queries keep to json0 documents, where the sort keys are always there and of one type: with a missing
    // or mixed-type key sharedb-mingo-memory's comparator is not a total order and its result depends on V8's sort.
    delete q._type;
    q._type = JSON0;
    const keys = chance(0.5) ? ['n'] : chance(0.5) ? ['title'] : ['n', 'title'];
    q.$sort = Object.fromEntries(keys.map((k) => [k, chance(0.5) ? 1 : -1]));
  }
  if (chance(0.25)) q.$skip = int(0, 5);
  if (chance(0.35)) q.$limit = int(1, 12);
  if (chance(0.1)) q.$count = true;
  return q;
}

// ---- run both and compare ----

function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  return JSON.stringify(value);
}

function fetchQuery(connection, q) {
  return within(new Promise((resolve) => {
    const made = connection.createFetchQuery(collection, q, {}, (err, results) => {
      if (err) return resolve({ error: { code: err.code, message: err.message } });
      resolve({
        ids: results.map((d) => d.id),
        rows: results.map((d) => canonical([d.id, d.version, d.type && d.type.uri, d.data])),
        extra: made.extra,
      });
    });
  }), `query ${JSON.stringify(q)}`);
}

async function main() {
  const plan = corpusPlan();
  const backend = new ShareDB({ db: new ShareDBMingo() });
  const stock = backend.connect();
  const collab = await connectCollab();
  await build(stock, plan);
  await build(collab, plan);

  // The read model follows the journal shortly after each commit: wait until both list the same documents and versions.
  const everything = [{}, { _type: null }];
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    const same = [];
    for (const q of everything) {
      const [a, b] = [await fetchQuery(stock, q), await fetchQuery(collab, q)];
      same.push(canonical(a) === canonical(b));
    }
    if (same.every(Boolean)) break;
    if (Date.now() > deadline) throw new Error('the read model did not catch up with the corpus');
    await new Promise((r) => setTimeout(r, 50));
  }

  const mismatches = [];
  let nonEmpty = 0, counted = 0, sorted = 0, paged = 0, errors = 0;
  for (let i = 0; i < queryCount; i++) {
    const q = query();
    const expected = await fetchQuery(stock, q);
    const actual = await fetchQuery(collab, q);
    if (expected.error || actual.error) errors++;
    if (canonical(expected) !== canonical(actual)) mismatches.push({ query: q, expected, actual });
    if (expected.ids && expected.ids.length > 0) nonEmpty++;
    if (q.$count) counted++;
    if (q.$sort) sorted++;
    if (q.$skip || q.$limit) paged++;
  }
  stock.close();
  collab.close();
  const line = JSON.stringify({ seed, collection, documents: plan.length, queries: queryCount, nonEmpty, counted, sorted, paged, errors, mismatches: mismatches.slice(0, 5), mismatchCount: mismatches.length });
  // Exit only once the line is out: stdout to a pipe is written asynchronously.
  process.stdout.write(line + '\n', () => process.exit(0));
}

main().catch((e) => {
  console.error(e.stack || String(e));
  process.exit(1);
});
