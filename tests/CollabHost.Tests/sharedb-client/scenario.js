// Drives the unmodified npm sharedb 7 client (with ws, ot-text-unicode and rich-text, versions pinned in package-lock.json;
// json0 is sharedb's own default type, ot-json0)
// against a server, for tests/CollabHost.Tests/SharedbClientTests.cs. Prints one JSON line with what it observed;
// the C# test asserts on it. Every wait is bounded; a scenario that cannot finish exits non-zero with the reason.
// Usage: node scenario.js <basic|concurrent|reconnect|presence|idle|offline|latejoin|misc|typing|bulk|sequential|json0|richtext|richtextPresence|fetchdoc> ws://127.0.0.1:PORT/ws [arg]
'use strict';
const net = require('net');
const WebSocket = require('ws');
const ShareDB = require('sharedb/lib/client');
const { type: textUnicode } = require('ot-text-unicode');

// ot-text-unicode ships no transformPresence; the client needs one for presence. As in
// bench/peers/sharedb-server/server.js and PROTOCOL.md: {index} and {index, length} move, other fields stay.
function transformPresence(presence, op) {
  if (presence == null || typeof presence.index !== 'number') return presence;
  const index = textUnicode.transformPosition(presence.index, op);
  if (typeof presence.length !== 'number') return { ...presence, index };
  const end = textUnicode.transformPosition(presence.index + presence.length, op);
  return { ...presence, index, length: end - index };
}
ShareDB.types.register({ ...textUnicode, transformPresence });
// rich-text ships its own transformPresence; json0 is registered by sharedb itself.
const richText = require('rich-text');
ShareDB.types.register(richText.type);
const Delta = richText.Delta;
const json0 = require('ot-json0').type;

const [scenario, url, seedArg] = process.argv.slice(2);
const TIMEOUT_MS = 10000;
const docId = `${scenario}-${process.pid}-${Date.now()}`;

function within(promise, what, ms = TIMEOUT_MS) {
  let timer;
  const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms); });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const cb = (fn) => new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));

function connect(address = url) {
  const socket = new WebSocket(address);
  const connection = new ShareDB.Connection(socket);
  return within(new Promise((resolve, reject) => {
    if (connection.state === 'connected') return resolve(connection);
    connection.on('connected', () => resolve(connection));
    connection.on('error', reject);
  }), 'connect').then(() => connection);
}

async function subscribed(connection, id = docId) {
  const doc = connection.get('docs', id);
  await within(cb((done) => doc.subscribe(done)), `subscribe ${id}`);
  return doc;
}

const submit = (doc, op) => within(cb((done) => doc.submitOp(op, done)), `submit ${JSON.stringify(op)}`);

async function waitFor(condition, what, ms = TIMEOUT_MS) {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function fetchSnapshot(connection, version) {
  return within(cb((done) => connection.fetchSnapshot('docs', docId, version, done)), `nf ${version}`);
}

async function fetchFresh() {
  const connection = await connect();
  const doc = connection.get('docs', docId);
  await within(cb((done) => doc.fetch(done)), 'fetch');
  const result = { v: doc.version, type: doc.type && doc.type.uri, data: doc.data };
  connection.close();
  return result;
}

// --- scenarios ---------------------------------------------------------------------------------

async function basic() {
  const connection = await connect();
  const doc = await subscribed(connection);
  const before = { v: doc.version, type: doc.type };
  await within(cb((done) => doc.create('hello', textUnicode.uri, done)), 'create');
  const afterCreate = Date.now();
  await new Promise((r) => setTimeout(r, 20));
  await submit(doc, [5, ' world']);
  await submit(doc, [11, ' 😀']);
  await submit(doc, [6, { d: 5 }, 'there']);
  const local = { v: doc.version, data: doc.data };
  const fetched = await fetchFresh();
  const atOne = await fetchSnapshot(connection, 1);
  const atTime = await within(
    cb((done) => connection.fetchSnapshotByTimestamp('docs', docId, afterCreate, done)), 'nt');
  connection.close();
  return { before, local, fetched, atOne: { v: atOne.v, data: atOne.data }, atTime: { v: atTime.v, data: atTime.data } };
}

// A small seeded PRNG (mulberry32) so a failing run can be repeated with its seed.
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomOp(text, random) {
  const length = [...text].length;
  if (length > 0 && random() < 0.4) {
    const from = Math.floor(random() * length);
    const count = 1 + Math.floor(random() * Math.min(3, length - from));
    return textUnicode.normalize([from, { d: count }]);
  }
  const pieces = ['x', 'yz', '😀', 'é', 'Q'];
  return textUnicode.normalize([Math.floor(random() * (length + 1)), pieces[Math.floor(random() * pieces.length)]]);
}

async function concurrent() {
  const seed = Number(seedArg ?? Date.now() % 100000);
  const random = prng(seed);
  const alice = await connect();
  const bob = await connect();
  const a = await subscribed(alice);
  await within(cb((done) => a.create('a😀cdef', textUnicode.uri, done)), 'create');
  const b = await subscribed(bob);
  await waitFor(() => b.version === a.version, 'bob sees the created document');

  const rounds = [];
  for (let round = 0; round < 12; round++) {
    const base = a.data;
    const version = a.version;
    const opA = round === 0 ? [1, { d: 2 }, 'XY'] : randomOp(base, random);
    const opB = round === 0 ? [2, '🎉', 1, { d: 1 }] : randomOp(base, random);
    // Both submitted in the same tick, at the same version, before either can hear of the other.
    await Promise.all([submit(a, opA), submit(b, opB)]);
    await waitFor(() => a.version === version + 2 && b.version === version + 2, 'both see both ops');
    // The server's order, from its own history: the snapshot after the first of the two ops.
    const first = await fetchSnapshot(alice, version + 1);
    const aliceFirst = first.data === textUnicode.apply(base, opA);
    const [firstOp, secondOp] = aliceFirst ? [opA, opB] : [opB, opA];
    const predicted = textUnicode.apply(textUnicode.apply(base, firstOp), textUnicode.transform(secondOp, firstOp, 'left'));
    rounds.push({ base, opA, opB, aliceFirst, alice: a.data, bob: b.data, predicted, firstMatches: first.data === textUnicode.apply(base, firstOp) });
  }
  const fetched = await fetchFresh();
  alice.close();
  bob.close();
  return { seed, rounds, fetched };
}

// A TCP relay in front of the server that can drop what the server sends and cut its connections.
function startProxy(target) {
  const sockets = new Set();
  let hold = false;
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.hostname);
    sockets.add(client);
    sockets.add(upstream);
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => { if (!hold) client.write(chunk); });
    const end = () => { client.destroy(); upstream.destroy(); };
    client.on('error', end); upstream.on('error', end); client.on('close', end); upstream.on('close', end);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `ws://127.0.0.1:${server.address().port}${target.pathname}`,
    holdServerBytes() { hold = true; },
    cut() { for (const s of sockets) s.destroy(); sockets.clear(); hold = false; },
    close() { this.cut(); server.close(); },
  })));
}

async function reconnect() {
  const target = new URL(url);
  const proxy = await startProxy(target);
  const connection = await connect(proxy.url);
  const sentOps = [];
  connection.on('send', (m) => { if (m.a === 'op') sentOps.push({ src: m.src ?? null, seq: m.seq, v: m.v, op: m.op ?? null }); });
  const firstId = connection.id;
  const doc = await subscribed(connection);
  await within(cb((done) => doc.create('hello', textUnicode.uri, done)), 'create');

  // The op reaches the server, but its ack is lost: the server's bytes are dropped, then the link is cut.
  proxy.holdServerBytes();
  let acked = false;
  doc.submitOp([5, '!'], (err) => { if (!err) acked = true; });
  const observer = await connect();
  const watched = observer.get('docs', docId);
  await within((async () => {
    for (;;) {
      await cb((done) => watched.fetch(done));
      if (watched.version >= 2) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  })(), 'the server commits the op');
  const ackedBeforeCut = acked;
  proxy.cut();
  await waitFor(() => connection.state !== 'connected', 'the client notices the cut');

  // Reconnect on a fresh socket, as a reconnecting wrapper would: the client resends its in-flight op.
  connection.bindToSocket(new WebSocket(proxy.url));
  await waitFor(() => connection.state === 'connected', 'reconnected');
  await within(new Promise((resolve) => doc.whenNothingPending(resolve)), 'the resent op is acknowledged');
  await waitFor(() => acked, 'the submit callback');
  const local = { v: doc.version, data: doc.data };
  const fetched = await fetchFresh();
  observer.close();
  connection.close();
  proxy.close();
  return { firstId, secondId: connection.id, ackedBeforeCut, sentOps, local, fetched };
}

async function presence() {
  const alice = await connect();
  const bob = await connect();
  const a = await subscribed(alice);
  await within(cb((done) => a.create('hello world', textUnicode.uri, done)), 'create');
  const b = await subscribed(bob);
  await waitFor(() => b.version === 1, 'bob sees the document');

  const bobSees = bob.getDocPresence('docs', docId);
  const received = [];
  bobSees.on('receive', (id, value) => received.push({ id, value }));
  await within(cb((done) => bobSees.subscribe(done)), 'bob subscribes to presence');
  const aliceShows = alice.getDocPresence('docs', docId);
  await within(cb((done) => aliceShows.subscribe(done)), 'alice subscribes to presence');
  const cursor = aliceShows.create('alice-cursor');

  await within(cb((done) => cursor.submit({ index: 6, name: 'alice' }, done)), 'alice submits a cursor');
  await waitFor(() => received.length >= 1, 'bob receives alice\'s cursor');
  const first = received[received.length - 1];

  // Bob types before alice's cursor, while alice moves it, in the same tick: wherever the two cross, the cursor
  // bob ends up with is moved past his insert.
  await Promise.all([
    submit(b, ['>> ']),
    within(cb((done) => cursor.submit({ index: 3, length: 2, name: 'alice' }, done)), 'alice moves her cursor'),
  ]);
  await waitFor(() => received.length >= 2 && received[received.length - 1].value?.index === 6, 'bob sees the moved selection', 5000)
    .catch(() => {});
  const moved = received[received.length - 1];
  const bobRemote = bobSees.remotePresences['alice-cursor'] ?? null;

  alice.close();
  await waitFor(() => received.some((r) => r.id === 'alice-cursor' && r.value === null), 'alice\'s cursor goes when she leaves', 5000)
    .catch(() => {});
  const gone = received.some((r) => r.id === 'alice-cursor' && r.value === null);
  bob.close();
  return { first, moved, bobRemote, gone, received: received.length };
}

async function idle() {
  const connection = await connect();
  const states = [];
  connection.on('state', (state) => states.push(state));
  const doc = await subscribed(connection);
  await within(cb((done) => doc.create('idle', textUnicode.uri, done)), 'create');
  const idleMs = Number(seedArg ?? 3500);
  await new Promise((r) => setTimeout(r, idleMs));
  await submit(doc, [4, ' but alive']);
  const fetched = await fetchFresh();
  connection.close();
  return { idleMs, states, fetched };
}

// Offline edits on several documents: the client resubscribes them in one bulk request by versions, catches up on
// what others did meanwhile, and sends its pending edit, which the server transforms.
async function offline() {
  const target = new URL(url);
  const proxy = await startProxy(target);
  const alice = await connect(proxy.url);
  const bob = await connect();
  const sent = [];
  alice.on('send', (m) => sent.push(m.a));
  const ids = [`${docId}-1`, `${docId}-2`];
  const aliceDocs = [];
  const bobDocs = [];
  for (const id of ids) {
    const doc = await subscribed(alice, id);
    await within(cb((done) => doc.create('0123', textUnicode.uri, done)), 'create');
    aliceDocs.push(doc);
    bobDocs.push(await subscribed(bob, id));
  }
  await waitFor(() => bobDocs.every((d) => d.version === 1), 'bob sees both documents');

  proxy.cut();
  await waitFor(() => alice.state !== 'connected', 'alice is offline');
  sent.length = 0;
  aliceDocs[0].submitOp([4, 'A']);                                      // an offline edit, pending
  for (const doc of bobDocs) { await submit(doc, ['B']); await submit(doc, [1, { d: 1 }]); }

  alice.bindToSocket(new WebSocket(proxy.url));
  await waitFor(() => alice.state === 'connected', 'alice reconnects');
  await within(Promise.all(aliceDocs.map((d) => new Promise((resolve) => d.whenNothingPending(resolve)))), 'alice settles');
  await waitFor(() => aliceDocs.every((d, i) => d.version === bobDocs[i].version && d.version === 3 + (i === 0 ? 1 : 0)),
    'both sides reach the same versions');
  const result = {
    resubscribedWith: sent.filter((a) => a !== 'op'),
    alice: aliceDocs.map((d) => ({ v: d.version, data: d.data })),
    bob: bobDocs.map((d) => ({ v: d.version, data: d.data })),
  };
  // Still live after the bulk resubscribe: a new op from bob reaches alice on both documents.
  for (const doc of bobDocs) await submit(doc, [0, 'Z']);
  await waitFor(() => aliceDocs.every((d, i) => d.data === bobDocs[i].data), 'alice gets bob\'s next ops');
  result.live = aliceDocs.map((d) => d.data);
  alice.close();
  bob.close();
  proxy.close();
  return result;
}

// A late joiner asks for presence (pr) and gets the cursors already there.
async function latejoin() {
  const alice = await connect();
  const a = await subscribed(alice);
  await within(cb((done) => a.create('hello', textUnicode.uri, done)), 'create');
  const aliceShows = alice.getDocPresence('docs', docId);
  await within(cb((done) => aliceShows.subscribe(done)), 'alice subscribes to presence');
  await within(cb((done) => aliceShows.create('alice-cursor').submit({ index: 2 }, done)), 'alice submits a cursor');

  const bob = await connect();
  await subscribed(bob);
  const bobSees = bob.getDocPresence('docs', docId);
  await within(cb((done) => bobSees.subscribe(done)), 'bob subscribes to presence');
  await waitFor(() => bobSees.remotePresences['alice-cursor'], 'bob gets the cursor that was there before him', 5000).catch(() => {});
  const seen = bobSees.remotePresences['alice-cursor'] ?? null;
  alice.close();
  bob.close();
  return { seen };
}

// Deleting a document, and a query the server does not serve.
async function misc() {
  const alice = await connect();
  const bob = await connect();
  const a = await subscribed(alice);
  await within(cb((done) => a.create('short-lived', textUnicode.uri, done)), 'create');
  const b = await subscribed(bob);
  let bobSawDel = false;
  b.on('del', () => { bobSawDel = true; });
  await within(cb((done) => a.del(done)), 'delete');
  await waitFor(() => bobSawDel, 'bob sees the delete');
  const afterDel = { v: b.version, type: b.type };
  const queryError = await within(new Promise((resolve) => {
    // Queries are answered (SharedbClientQueryTests, SharedbClientSubscribeQueryTests); one outside the subset is refused.
    alice.createSubscribeQuery('docs', { title: { $regex: '^a' } }, {}, (err) => resolve(err ? { code: err.code, message: err.message } : null));
  }), 'query');
  alice.close();
  bob.close();
  return { bobSawDel, afterDel, queryError };
}

// Several editors typing at once without waiting for acks (the client composes what is pending): everyone, and
// the server, end with the same text.
async function typing() {
  const seed = Number(seedArg ?? Date.now() % 100000);
  const random = prng(seed);
  const editors = [];
  for (let i = 0; i < 3; i++) editors.push(await connect());
  const first = await subscribed(editors[0]);
  await within(cb((done) => first.create('start', textUnicode.uri, done)), 'create');
  const docs = [first];
  for (const editor of editors.slice(1)) docs.push(await subscribed(editor));
  await waitFor(() => docs.every((d) => d.type), 'everyone has the document');

  const perEditor = 40;
  const errors = [];
  await Promise.all(docs.map(async (doc, i) => {
    for (let k = 0; k < perEditor; k++) {
      doc.submitOp(randomOp(doc.data, random), (err) => { if (err) errors.push(`editor ${i}: ${err.code} ${err.message}`); });
      if (random() < 0.5) await new Promise((r) => setTimeout(r, Math.floor(random() * 15)));
    }
  }));
  await within(Promise.all(docs.map((d) => new Promise((resolve) => d.whenNothingPending(resolve)))), 'everyone is acked');
  await waitFor(() => docs.every((d) => d.version === docs[0].version), 'everyone reaches the same version');
  const fetched = await fetchFresh();
  for (const editor of editors) editor.close();
  return { seed, errors, texts: docs.map((d) => d.data), versions: docs.map((d) => d.version), fetched };
}

// A bulk subscribe and a bulk fetch of more documents than one part of the server's (1,000): the client sends each
// as one bs/bf message (startBulk/endBulk, as it does on reconnect) and every document must get its snapshot.
async function bulk() {
  const count = Number(seedArg || 1001);
  const writer = await connect();
  const ids = Array.from({ length: count }, (_, i) => `${docId}-${i}`);
  for (const i of [0, count - 1]) {
    const doc = writer.get('docs', ids[i]);
    await within(cb((done) => doc.create(`text ${i}`, textUnicode.uri, done)), `create ${ids[i]}`);
  }
  const reader = await connect();
  const errors = [];
  const run = async (method) => {
    const docs = ids.map((id) => reader.get(method === 'subscribe' ? 'docs' : 'copies', id));
    reader.startBulk();
    const done = docs.map((doc) => cb((d) => doc[method](d)).catch((err) => errors.push(`${method} ${doc.id}: ${err.code} ${err.message}`)));
    reader.endBulk();
    await within(Promise.all(done), `bulk ${method} of ${count}`, 60000);
    return docs;
  };
  const subscribedDocs = await run('subscribe');
  const fetchedDocs = await run('fetch');
  // A subscription from the bulk delivers ops: the last document, in the second part, sees an edit.
  await within(cb((done) => writer.get('docs', ids[count - 1]).submitOp([0, 'new '], done)), 'edit the last document');
  await waitFor(() => subscribedDocs[count - 1].data === `new text ${count - 1}`, 'the edit reaches the bulk subscriber');
  writer.close();
  reader.close();
  return {
    errors,
    subscribed: subscribedDocs.filter((d) => d.subscribed).length,
    fetched: fetchedDocs.filter((d) => d.version === 0).length,
    first: subscribedDocs[0].data,
    last: subscribedDocs[count - 1].data,
  };
}

// An import script: ops submitted one after another, each awaited before the next (issue 19 item 13). None may be
// refused, however the server paces them.
async function sequential() {
  const count = Number(seedArg || 400);
  const connection = await connect();
  const doc = await subscribed(connection);
  await within(cb((done) => doc.create('', textUnicode.uri, done)), 'create');
  const errors = [];
  for (let i = 0; i < count; i++) {
    try {
      await within(cb((done) => doc.submitOp([i, 'x'], done)), `op ${i}`, 30000);
    } catch (err) {
      errors.push(`op ${i}: ${err.code || ''} ${err.message}`);
    }
  }
  const fetched = await fetchFresh();
  connection.close();
  return { errors, length: doc.data.length, version: doc.version, fetched };
}


// Several editors on one document of a type other than text-unicode, typing at once without waiting for acks, with
// presence: everyone, and the server, end with the same data. `makeOp(data, random, i)` gives editor i's next op.
async function editTogether({ create, makeOp, presenceValue, seed }) {
  const random = prng(seed);
  const editors = [];
  for (let i = 0; i < 3; i++) editors.push(await connect());
  const first = await subscribed(editors[0]);
  await within(cb((done) => create(first, done)), 'create');
  const docs = [first];
  for (const editor of editors.slice(1)) docs.push(await subscribed(editor));
  await waitFor(() => docs.every((d) => d.type && d.version === first.version), 'everyone has the document');
  const createdType = docs[1].type.uri;

  // Presence: bob watches, alice shows a value at the current version. A type without transformPresence (json0) has
  // no presence: the server refuses it (ERR_TYPE_DOES_NOT_SUPPORT_PRESENCE, as ShareDB's agent does) and relays nothing.
  const bobSees = editors[1].getDocPresence('docs', docId);
  const received = [];
  bobSees.on('receive', (id, value) => received.push({ id, value }));
  await within(cb((done) => bobSees.subscribe(done)), 'bob subscribes to presence');
  const aliceShows = editors[0].getDocPresence('docs', docId);
  await within(cb((done) => aliceShows.subscribe(done)), 'alice subscribes to presence');
  // A type without transformPresence (json0) makes the client's own presence report an error on every op, as
  // against ShareDB itself; the errors are counted, not thrown.
  const presenceErrors = [];
  const cursor = aliceShows.create('alice-cursor');
  for (const p of [bobSees, aliceShows, cursor]) p.on('error', (e) => presenceErrors.push(e.code));
  const presenceRefused = await within(new Promise((resolve) => cursor.submit(presenceValue, (e) => resolve(e ? e.code : null))),
    'alice submits presence');
  if (!presenceRefused) await waitFor(() => received.length >= 1, 'bob receives alice\'s presence');
  const presence = received.length > 0 ? received[received.length - 1] : null;

  const perEditor = 30;
  const errors = [];
  await Promise.all(docs.map(async (doc, i) => {
    for (let k = 0; k < perEditor; k++) {
      doc.submitOp(makeOp(doc.data, random, i), (err) => { if (err) errors.push(`editor ${i}: ${err.code} ${err.message}`); });
      if (random() < 0.5) await new Promise((r) => setTimeout(r, Math.floor(random() * 15)));
    }
  }));
  await within(Promise.all(docs.map((d) => new Promise((resolve) => d.whenNothingPending(resolve)))), 'everyone is acked');
  await waitFor(() => docs.every((d) => d.version === docs[0].version), 'everyone reaches the same version');
  const fetched = await fetchFresh();
  for (const editor of editors) editor.close();
  return {
    seed, createdType, errors, presence, presenceRefused, presenceErrors, presenceReceived: received.length,
    remote: bobSees.remotePresences['alice-cursor'] ?? null,
    datas: docs.map((d) => d.data), versions: docs.map((d) => d.version), fetched,
  };
}

function pick(list, random) { return list[Math.floor(random() * list.length)]; }

// json0 ops on {title, n, tags, body}: number adds, list inserts and deletes, string inserts, object inserts.
function randomJson0Op(data, random, editor) {
  const roll = random();
  if (roll < 0.2) return [{ p: ['n'], na: 1 + Math.floor(random() * 5) }];
  if (roll < 0.4) return [{ p: ['tags', Math.floor(random() * (data.tags.length + 1))], li: pick(['x', 'yz', '😀', { k: editor }], random) }];
  if (roll < 0.5 && data.tags.length > 0) {
    const at = Math.floor(random() * data.tags.length);
    return [{ p: ['tags', at], ld: data.tags[at] }];
  }
  if (roll < 0.8) return [{ p: ['body', Math.floor(random() * (data.body.length + 1))], si: pick(['a', 'bc', 'é'], random) }];
  return [{ p: [`k${editor}`], oi: Math.floor(random() * 100) }, { p: ['title', 0], si: String(editor) }];
}

async function json0Scenario() {
  const seed = Number(seedArg ?? Date.now() % 100000);
  return editTogether({
    seed,
    // A plain create, as most ShareDB apps do it: json0 is the default type.
    create: (doc, done) => doc.create({ title: 'Plan', n: 1, tags: [], body: '' }, done),
    makeOp: randomJson0Op,
    presenceValue: { path: ['title'], name: 'alice' },
  });
}

// rich-text ops: inserts with attributes, formatting a range, deletes; some sent as Delta objects.
function randomRichTextOp(data, random) {
  const length = new Delta(data).length();
  const roll = random();
  const at = Math.floor(random() * length);
  if (roll < 0.45) {
    const attributes = pick([undefined, { bold: true }, { italic: true, color: '#f00' }], random);
    return new Delta().retain(at).insert(pick(['x', 'yz', 'é', 'ß'], random), attributes);
  }
  if (roll < 0.7 && length > 1) return new Delta().retain(at).retain(Math.min(2, length - at), pick([{ bold: true }, { italic: true }, { bold: null }], random)).ops;
  if (length > 2) return new Delta().retain(Math.min(at, length - 2)).delete(1).ops;
  return new Delta().insert('z').ops;
}

async function richtextScenario() {
  const seed = Number(seedArg ?? Date.now() % 100000);
  const result = await editTogether({
    seed,
    create: (doc, done) => doc.create([{ insert: 'Hello world\n' }], 'rich-text', done),
    makeOp: randomRichTextOp,
    presenceValue: { index: 2, length: 3, name: 'alice' },
  });
  return result;
}

// Presence on a rich-text document moves through a concurrent op, as ShareDB moves it with rich-text's transformPresence.
async function richtextPresence() {
  const alice = await connect();
  const bob = await connect();
  const a = await subscribed(alice);
  await within(cb((done) => a.create([{ insert: 'hello world\n' }], richText.type.uri, done)), 'create');
  const b = await subscribed(bob);
  await waitFor(() => b.version === 1, 'bob sees the document');
  const bobSees = bob.getDocPresence('docs', docId);
  const received = [];
  bobSees.on('receive', (id, value) => received.push({ id, value }));
  await within(cb((done) => bobSees.subscribe(done)), 'bob subscribes to presence');
  const aliceShows = alice.getDocPresence('docs', docId);
  await within(cb((done) => aliceShows.subscribe(done)), 'alice subscribes to presence');
  const cursor = aliceShows.create('alice-cursor');
  await within(cb((done) => cursor.submit({ index: 6, length: 0 }, done)), 'alice submits a cursor');
  await waitFor(() => received.length >= 1, 'bob receives alice\'s cursor');
  await Promise.all([
    submit(b, new Delta().insert('>> ', { bold: true })),
    within(cb((done) => cursor.submit({ index: 3, length: 2 }, done)), 'alice moves her selection'),
  ]);
  await waitFor(() => received.length >= 2 && received[received.length - 1].value?.index === 6, 'bob sees the moved selection', 5000)
    .catch(() => {});
  const result = { moved: received[received.length - 1], bobRemote: bobSees.remotePresences['alice-cursor'] ?? null, data: b.data };
  alice.close();
  bob.close();
  return result;
}

// The document named by arg ("docs/<id>") as a fresh client fetches it.
async function fetchdoc() {
  const [collection, id] = seedArg.split('/');
  const connection = await connect();
  const doc = connection.get(collection, id);
  await within(cb((done) => doc.fetch(done)), 'fetch');
  const result = { v: doc.version, type: doc.type && doc.type.uri, data: doc.data };
  connection.close();
  return result;
}

const scenarios = { basic, concurrent, reconnect, presence, idle, offline, latejoin, misc, typing, bulk, sequential, json0: json0Scenario, richtext: richtextScenario, richtextPresence, fetchdoc };
if (!scenarios[scenario] || !url) {
  console.error(`usage: node scenario.js <${Object.keys(scenarios).join('|')}> <ws url> [arg]`);
  process.exit(2);
}
scenarios[scenario]()
  .then((result) => { console.log(JSON.stringify({ doc: docId, ...result })); process.exit(0); })
  .catch((error) => { console.error(error && error.stack ? error.stack : String(error)); process.exit(1); });
