// Subscribe queries through the unmodified npm sharedb 7 client, against CollabHost and against stock ShareDB 7 with
// sharedb-mingo-memory 4.1.0 in this process, side by side: the same documents and the same changes go to both, and
// after each change (an insert, a change that makes a document enter the results, one that makes it leave, a move in
// the sort order, an edit, a delete) both subscriptions' results must hold the same ids in the same order, the
// documents in them the same data, the $count the same, and the event the change causes must have arrived on
// CollabHost's. For tests/CollabHost.Tests/Queries/SharedbClientSubscribeQueryTests.cs; prints one JSON line with what
// it saw and how long each change took to reach CollabHost's results. Every wait is bounded.
// Usage: node subscribe-queries.js ws://127.0.0.1:PORT/ws
'use strict';
const WebSocket = require('ws');
const ShareDB = require('sharedb');
const ShareDBMingo = require('sharedb-mingo-memory');
const Client = require('sharedb/lib/client');

const [url] = process.argv.slice(2);
const TIMEOUT_MS = 10000;
const collection = `sq-${process.pid}-${Date.now()}`;
const QUERY = { status: 'open', $sort: { n: 1 } };
const COUNT = { status: 'open', $count: true };

function within(promise, what, ms = TIMEOUT_MS) {
  let timer;
  const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms); });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
const cb = (fn) => new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function connectCollab() {
  const connection = new Client.Connection(new WebSocket(url));
  return within(new Promise((resolve, reject) => {
    connection.on('connected', () => resolve(connection));
    connection.on('error', reject);
  }), 'connect to CollabHost');
}

// One server: a writer connection and a subscriber connection with two live queries, and the events they heard.
async function side(name, writer, subscriber) {
  const events = [];
  const subscribe = (q) => within(new Promise((resolve, reject) => {
    const query = subscriber.createSubscribeQuery(collection, q, {}, (err) => (err ? reject(err) : resolve(query)));
    for (const kind of ['insert', 'remove', 'move']) query.on(kind, () => events.push(kind));
    query.on('extra', () => events.push('extra'));
    query.on('error', (err) => events.push(`error ${err.code}`));
  }), `${name}: subscribe`);
  return { name, writer, subscriber, events, subscribe };
}

function disconnect(connection) {
  return within(new Promise((resolve) => {
    connection.once('disconnected', resolve);
    connection.socket.close();
  }), 'disconnect');
}

const ids = (query) => query.results.map((d) => d.id);
const view = (query) => JSON.stringify(query.results.map((d) => [d.id, d.version, d.data]));

async function main() {
  const backend = new ShareDB({ db: new ShareDBMingo() });
  const stock = await side('stock', backend.connect(), backend.connect());
  const collab = await side('collab', await connectCollab(), await connectCollab());
  const sides = [stock, collab];

  const write = (s, id, fn) => within(cb((done) => fn(s.writer.get(collection, id), done)), `${s.name}: write ${id}`);
  const create = (s, id, data) => write(s, id, (doc, done) => doc.create(data, done));
  const submit = (s, id, op) => write(s, id, (doc, done) => doc.fetch((err) => (err ? done(err) : doc.submitOp(op, done))));
  const del = (s, id) => write(s, id, (doc, done) => doc.fetch((err) => (err ? done(err) : doc.del(done))));

  // The corpus, then a wait for CollabHost's read model (it follows the journal a few milliseconds behind).
  const corpus = [['a', 'open', 1], ['b', 'open', 3], ['c', 'closed', 2], ['d', 'open', 5], ['e', 'closed', 4], ['f', 'open', 7]];
  for (const s of sides) for (const [id, status, n] of corpus) await create(s, id, { status, n, title: id });
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    const [a, b] = await Promise.all(sides.map((s) => within(cb((done) => s.subscriber.createFetchQuery(collection, QUERY, {}, done)), 'fetch')));
    if (JSON.stringify(a.map((d) => [d.id, d.version])) === JSON.stringify(b.map((d) => [d.id, d.version]))) break;
    if (Date.now() > deadline) throw new Error('the read model did not catch up with the corpus');
    await sleep(20);
  }
  for (const s of sides) {
    s.query = await s.subscribe(QUERY);
    s.count = await s.subscribe(COUNT);
  }
  const initial = { stock: ids(stock.query), collab: ids(collab.query), countStock: stock.count.extra, countCollab: collab.count.extra };

  const steps = [
    { name: 'insert', expect: 'insert', run: (s) => create(s, 'g', { status: 'open', n: 4, title: 'g' }) },
    { name: 'insert outside', expect: null, run: (s) => create(s, 'h', { status: 'closed', n: 0, title: 'h' }) },
    { name: 'enter', expect: 'insert', run: (s) => submit(s, 'c', [{ p: ['status'], od: 'closed', oi: 'open' }]) },
    { name: 'leave', expect: 'remove', run: (s) => submit(s, 'b', [{ p: ['status'], od: 'open', oi: 'closed' }]) },
    { name: 'move', expect: 'move', run: (s) => submit(s, 'a', [{ p: ['n'], na: 10 }]) },
    { name: 'edit', expect: null, run: (s) => submit(s, 'd', [{ p: ['title', 1], si: '!' }]) },
    { name: 'delete', expect: 'remove', run: (s) => del(s, 'f') },
    // CollabHost's subscriber loses its socket; meanwhile a result document is edited and one enters. On reconnect the
    // client sends its qs again with the versions it has (r): it must end with the same results and data.
    {
      name: 'reconnect', expect: null,
      run: async (s) => {
        if (s === collab) await disconnect(s.subscriber);
        await submit(s, 'd', [{ p: ['title', 0], si: '?' }]);
        await create(s, 'j', { status: 'open', n: 6, title: 'j' });
        if (s === collab) s.subscriber.bindToSocket(new WebSocket(url));
      },
    },
  ];
  const report = [];
  let failures = 0;
  for (const step of steps) {
    for (const s of sides) s.events.length = 0;
    const started = {};
    for (const s of sides) {
      await step.run(s);
      started[s.name] = Date.now();
    }
    // The stock server updates its results as it commits; CollabHost's follow through the read model.
    const stepDeadline = Date.now() + TIMEOUT_MS;
    let same = false;
    let seenAt = null;
    while (Date.now() < stepDeadline) {
      same = view(stock.query) === view(collab.query) && stock.count.extra === collab.count.extra
        && (step.expect === null || collab.events.includes(step.expect));
      if (same) {
        seenAt = Date.now();
        break;
      }
      await sleep(5);
    }
    const entry = {
      step: step.name, same, ms: seenAt === null ? null : seenAt - started.collab,
      stock: ids(stock.query), collab: ids(collab.query), count: [stock.count.extra, collab.count.extra],
      stockEvents: [...stock.events], collabEvents: [...collab.events],
    };
    if (!same) {
      failures++;
      entry.stockView = view(stock.query);
      entry.collabView = view(collab.query);
    }
    report.push(entry);
    // A change that should not touch the results must not, after a moment.
    if (step.expect === null) await sleep(300);
  }
  const finalSame = view(stock.query) === view(collab.query);
  if (!finalSame) failures++;

  // qu: both end their subscriptions; a later change reaches neither.
  for (const s of sides) await within(cb((done) => s.query.destroy(done)), 'destroy');
  const before = ids(collab.query).join(',');
  for (const s of sides) await create(s, 'i', { status: 'open', n: 0, title: 'i' });
  await sleep(500);
  const afterDestroy = ids(collab.query).join(',') === before;
  if (!afterDestroy) failures++;

  for (const s of sides) {
    s.writer.close();
    s.subscriber.close();
  }
  const line = JSON.stringify({ collection, initial, steps: report, finalSame, afterDestroy, failures });
  process.stdout.write(line + '\n', () => process.exit(0));
}

main().catch((e) => {
  console.error(e.stack || String(e));
  process.exit(1);
});
