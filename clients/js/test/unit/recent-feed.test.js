// The front page's feed against stock ShareDB 7 in this process (its MemoryDB answers every query with all the
// collection's documents, which is all these tests need): the unmodified client's subscribe and fetch queries, and a
// server that refuses them the way CollabHost does.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import ShareDB from 'sharedb';
import { watchQuery } from '../../demo/recent-feed.js';
import { registerTextUnicodeType, TEXT_UNICODE_URI } from '../../src/text-unicode-type.js';

registerTextUnicodeType();

const running = [];
afterEach(async () => {
  for (const close of running.splice(0)) await close();
});

/** A ShareDB backend refusing the query actions in `refuse` (action -> error code), and a way to connect to it. */
function startBackend({ refuse = {} } = {}) {
  const backend = new ShareDB();
  const asked = [];
  backend.use('receive', (context, next) => {
    const action = context.data?.a;
    if (action === 'qs' || action === 'qf') asked.push(action);
    const code = refuse[action];
    if (code) return next({ code, message: `${action} refused by the test server` });
    next();
  });
  running.push(() => new Promise((resolve) => backend.close(resolve)));
  return { backend, asked, connect: () => backend.connect() };
}

function create(connection, id, data = '', type = TEXT_UNICODE_URI) {
  const doc = connection.get('docs', id);
  return new Promise((resolve, reject) => doc.create(data, type, (error) => (error ? reject(error) : resolve(doc))));
}

function submit(doc, op) {
  return new Promise((resolve, reject) => doc.submitOp(op, (error) => (error ? reject(error) : resolve())));
}

/** Runs the feed; `next(predicate)` resolves with the first report (`{docs, touched}` or `{status}`) matching it. */
function watch(connection, options = {}) {
  const reports = [];
  const waiters = [];
  const push = (report) => {
    reports.push(report);
    for (const waiter of waiters.splice(0)) {
      if (waiter.predicate(report)) waiter.resolve(report);
      else waiters.push(waiter);
    }
  };
  const feed = watchQuery(connection, 'docs', { $sort: { '_m.mtime': -1 }, $limit: 50 }, {
    onChange: (docs, touched) => push({ docs, touched }),
    onStatus: (status, error) => push({ status, error }),
    ...options,
  });
  running.unshift(() => feed.stop());
  const next = (predicate, timeoutMs = 3000) => {
    const found = reports.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no such report; got ${JSON.stringify(reports.map(brief))}`)), timeoutMs);
      waiters.push({ predicate, resolve: (report) => { clearTimeout(timer); resolve(report); } });
    });
  };
  return { feed, reports, next };
}

const brief = (report) => report.status ?? { docs: report.docs.map((d) => `${d.id}@${d.version}`), touched: report.touched };
const lists = (ids) => (report) => report.docs && report.docs.map((d) => d.id).sort().join() === [...ids].sort().join();

test('A subscription lists the documents, adds one created elsewhere, and reports an op on a listed one as a touch', async () => {
  const server = startBackend();
  const writer = server.connect();
  const notes = await create(writer, 'notes', 'hello');
  const { next } = watch(server.connect());

  await next((report) => report.status === 'live');
  const first = await next(lists(['notes']));
  assert.deepEqual(first.docs, [{ id: 'notes', version: 1, typeUri: TEXT_UNICODE_URI }]);

  await create(writer, 'plan');
  await next(lists(['notes', 'plan']));

  await submit(notes, [5, ' world']);
  const touch = await next((report) => report.touched?.length > 0);
  assert.deepEqual(touch.touched, [{ id: 'notes', version: 2 }]);
  assert.equal(touch.docs.find((doc) => doc.id === 'notes').version, 2);
});

test('A server that refuses subscribe queries but serves fetch queries is asked again on a timer', async () => {
  const server = startBackend({ refuse: { qs: 'ERR_QUERIES_NOT_SUPPORTED' } });
  const writer = server.connect();
  const notes = await create(writer, 'notes');
  const { next, reports } = watch(server.connect(), { pollIntervalMs: 50 });

  await next((report) => report.status === 'polling');
  await next(lists(['notes']));
  await create(writer, 'plan');
  await next(lists(['notes', 'plan']));
  await submit(notes, ['edited']);
  const moved = await next((report) => report.docs?.some((doc) => doc.id === 'notes' && doc.version === 2));
  assert.deepEqual(moved.touched, [], 'a poll does not know when the document changed');
  assert.equal(reports.filter((report) => report.status === 'live').length, 0);
  assert.equal(server.asked[0], 'qs');
  assert.ok(server.asked.slice(1).every((action) => action === 'qf'));
});

test('A server at its limit of subscribe queries is polled, and asked for a subscription again later', async () => {
  let refusals = 1;
  const server = startBackend();
  server.backend.use('receive', (context, next) => {
    if (context.data?.a === 'qs' && refusals-- > 0) {
      return next({ code: 'ERR_TOO_MANY_QUERY_SUBSCRIPTIONS', message: 'full' });
    }
    next();
  });
  await create(server.connect(), 'notes');
  const { next, reports } = watch(server.connect(), { pollIntervalMs: 20, subscribeAgainAfterMs: 100 });

  await next((report) => report.status === 'polling');
  await next((report) => report.status === 'live');
  assert.equal(reports.filter((report) => report.status === 'failed').length, 0);
  assert.equal(server.asked[0], 'qs');
  assert.ok(server.asked.filter((action) => action === 'qf').length >= 2, `asked ${server.asked}`);
  assert.equal(server.asked.at(-1), 'qs');
});

test('A server that refuses every query is reported as listing nothing, and is not asked again', async () => {
  const server = startBackend({ refuse: { qs: 'ERR_QUERIES_NOT_SUPPORTED', qf: 'ERR_QUERIES_NOT_SUPPORTED' } });
  const { next, reports } = watch(server.connect(), { pollIntervalMs: 20, retryDelayMs: 20 });

  const unsupported = await next((report) => report.status === 'unsupported');
  assert.equal(unsupported.error.code, 'ERR_QUERIES_NOT_SUPPORTED');
  await new Promise((resolve) => setTimeout(resolve, 150));
  assert.deepEqual(server.asked, ['qs', 'qf']);
  assert.equal(reports.filter((report) => report.docs).length, 0);
});

test('Another error is reported and the subscription is tried again', async () => {
  let refusals = 1;
  const backend = new ShareDB();
  backend.use('receive', (context, next) => {
    if (context.data?.a === 'qs' && refusals-- > 0) return next({ code: 'ERR_QUERY_UNAVAILABLE', message: 'busy' });
    next();
  });
  running.push(() => new Promise((resolve) => backend.close(resolve)));
  const { next } = watch(backend.connect(), { retryDelayMs: 20 });

  const failed = await next((report) => report.status === 'failed');
  assert.equal(failed.error.code, 'ERR_QUERY_UNAVAILABLE');
  await next((report) => report.status === 'live');
});

test('A subscription lost with its connection catches up when it is back, and the catch-up ops are not new edits', async () => {
  const server = startBackend();
  const writer = server.connect();
  const notes = await create(writer, 'notes', 'hello');
  const connection = server.connect();
  const { next, reports } = watch(connection);
  await next(lists(['notes']));

  connection.close();
  await next((report) => report.status === 'offline');
  await submit(notes, [5, ' again']);
  await create(writer, 'plan');
  const seen = reports.length;
  server.backend.connect(connection);
  await next((report) => reports.indexOf(report) >= seen && report.status === 'live');
  const caughtUp = await next((report) => reports.indexOf(report) >= seen && lists(['notes', 'plan'])(report)
    && report.docs.find((doc) => doc.id === 'notes').version === 2);
  assert.ok(caughtUp);
  assert.deepEqual(reports.slice(seen).flatMap((report) => report.touched ?? []), [], 'an op made while offline is not "just now"');
  assert.deepEqual(server.asked, ['qs', 'qs'], 'the client subscribed again by itself');

  await submit(notes, [0, '> ']);
  const touch = await next((report) => report.touched?.length > 0);
  assert.deepEqual(touch.touched, [{ id: 'notes', version: 3 }], 'ops after the catch-up are touches again');
});

test('A document that leaves the results is dropped from the connection, and comes back from its snapshot', async () => {
  const server = startBackend();
  // Like CollabHost's queries, leave deleted documents out (stock MemoryDB lists them).
  server.backend.db._querySync = (snapshots) => ({ snapshots: snapshots.filter((snapshot) => snapshot.type) });
  const writer = server.connect();
  const notes = await create(writer, 'notes', 'hello');
  await create(writer, 'plan');
  const connection = server.connect();
  const { next, reports } = watch(connection);
  await next(lists(['notes', 'plan']));

  await new Promise((resolve, reject) => notes.del((error) => (error ? reject(error) : resolve())));
  await next(lists(['plan']));
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(connection.getExisting('docs', 'notes'), undefined);

  const seen = reports.length;
  await create(writer, 'notes', 'reborn');
  const back = await next((report) => reports.indexOf(report) >= seen && lists(['notes', 'plan'])(report));
  assert.equal(back.docs.find((doc) => doc.id === 'notes').version, 3);
  assert.equal(connection.get('docs', 'notes').data, 'reborn');
});

test('Once stopped, the feed reports nothing more', async () => {
  const server = startBackend();
  const writer = server.connect();
  const notes = await create(writer, 'notes');
  const { feed, next, reports } = watch(server.connect());
  await next(lists(['notes']));

  feed.stop();
  const seen = reports.length;
  await submit(notes, ['x']);
  await create(writer, 'plan');
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(reports.length, seen);
});
