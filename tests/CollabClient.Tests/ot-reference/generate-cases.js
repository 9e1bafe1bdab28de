// Generates step-by-step cases for the .NET client's OT state machine (CollabClient.Ot.ClientDocumentState), with
// the reference ot-text-unicode computing every expected result. Each case simulates one client editing a document
// while a server commits other clients' ops and the client's own, messages crossing in flight; it records what the
// client sees (local edit, send, remote op delivered, ack delivered) and the client state expected after each step
// (ShareDB doc.js semantics: one op in flight, later edits composed into one pending op, incoming ops transformed
// past inflight then pending with transform(local, remote, 'left') / transform(remote, local, 'right')).
// Usage: node generate-cases.js <seed> <count>   → JSON on stdout.
'use strict';
const { type } = require('ot-text-unicode');

const seed = Number(process.argv[2]);
const count = Number(process.argv[3]);
if (!Number.isInteger(seed) || !Number.isInteger(count) || count < 1 || count > 10000) {
  console.error('usage: node generate-cases.js <integer seed> <count 1..10000>');
  process.exit(2);
}

// mulberry32: small, seedable, good enough for test generation.
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

const alphabet = ['a', 'b', 'c', 'x', 'y', ' ', 'é', '😀', '\n'];
const codePoints = (s) => Array.from(s);
function randomText(rng, max) {
  let s = '';
  const n = 1 + rng.int(max);
  for (let i = 0; i < n; i++) s += alphabet[rng.int(alphabet.length)];
  return s;
}

function randomOp(rng, doc) {
  const cps = codePoints(doc);
  for (;;) {
    const op = [];
    let pos = 0;
    const parts = 1 + rng.int(3);
    for (let i = 0; i < parts; i++) {
      const roll = rng.next();
      if (roll < 0.35 && pos < cps.length) {
        const k = 1 + rng.int(cps.length - pos);
        op.push(k);
        pos += k;
      } else if (roll < 0.75) {
        op.push(randomText(rng, 4));
      } else if (pos < cps.length) {
        const k = 1 + rng.int(Math.min(4, cps.length - pos));
        op.push(rng.chance(0.25) ? { d: cps.slice(pos, pos + k).join('') } : { d: k });
        pos += k;
      }
    }
    const normalized = type.normalize(op);
    if (normalized.length > 0) return normalized;
  }
}

function generateCase(rng) {
  const server = { text: rng.chance(0.2) ? '' : randomText(rng, 12), version: rng.int(4), ops: {} };
  const initialText = server.text;
  const initialVersion = server.version;
  const client = { text: server.text, version: server.version, inflight: null, pending: null, seq: 1 };
  const toServer = [];
  const toClient = [];
  const steps = [];

  const snapshot = () => ({
    text: client.text,
    version: client.version,
    inflightSeq: client.inflight ? client.inflight.seq : null,
    inflight: client.inflight ? client.inflight.op : null,
    pending: client.pending,
  });

  const local = () => {
    const op = randomOp(rng, client.text);
    client.text = type.apply(client.text, op);
    client.pending = client.pending ? type.compose(client.pending, op) : op;
    steps.push({ kind: 'local', op, expect: snapshot() });
  };
  const send = () => {
    if (client.inflight || !client.pending) return false;
    client.inflight = { seq: client.seq++, op: client.pending };
    client.pending = null;
    toServer.push({ v: client.version, seq: client.inflight.seq, op: client.inflight.op });
    steps.push({ kind: 'send', seq: client.inflight.seq, expect: snapshot() });
    return true;
  };
  const commitOther = () => {
    const op = randomOp(rng, server.text);
    server.text = type.apply(server.text, op);
    server.ops[server.version] = op;
    toClient.push({ kind: 'remote', v: server.version, op });
    server.version++;
  };
  const serverReceive = () => {
    const m = toServer.shift();
    if (!m) return false;
    let op = m.op;
    for (let v = m.v; v < server.version; v++) op = type.transform(op, server.ops[v], 'left');
    server.text = type.apply(server.text, op);
    server.ops[server.version] = op;
    toClient.push({ kind: 'ack', v: server.version, seq: m.seq });
    server.version++;
    return true;
  };
  const deliver = () => {
    const m = toClient.shift();
    if (!m) return false;
    if (m.v !== client.version) throw new Error(`simulation bug: message v ${m.v}, client at ${client.version}`);
    if (m.kind === 'ack') {
      if (!client.inflight || client.inflight.seq !== m.seq) throw new Error('simulation bug: unexpected ack');
      client.inflight = null;
      client.version = m.v + 1;
      steps.push({ kind: 'ack', v: m.v, seq: m.seq, expect: snapshot() });
      return true;
    }
    let remote = m.op;
    if (client.inflight) {
      const i = type.transform(client.inflight.op, remote, 'left');
      remote = type.transform(remote, client.inflight.op, 'right');
      client.inflight.op = i;
    }
    if (client.pending) {
      const p = type.transform(client.pending, remote, 'left');
      remote = type.transform(remote, client.pending, 'right');
      client.pending = p;
    }
    client.text = type.apply(client.text, remote);
    client.version = m.v + 1;
    steps.push({ kind: 'remote', v: m.v, op: m.op, applied: remote, expect: snapshot() });
    return true;
  };

  const stepCount = 10 + rng.int(50);
  for (let i = 0; i < stepCount; i++) {
    const roll = rng.next();
    if (roll < 0.35) local();
    else if (roll < 0.5) send();
    else if (roll < 0.7) commitOther();
    else if (roll < 0.82) serverReceive();
    else deliver();
  }
  // Drain: every op reaches the server and every message reaches the client (bounded: each pass makes progress).
  for (let guard = 0; guard < 10000; guard++) {
    if (deliver() || serverReceive() || send()) continue;
    break;
  }
  if (client.text !== server.text || client.inflight || client.pending) {
    throw new Error('simulation did not converge: ' + JSON.stringify({ client, server: server.text }));
  }
  return { initialText, initialVersion, finalText: server.text, steps };
}

const rng = rngFrom(seed);
const cases = [];
for (let i = 0; i < count; i++) cases.push(generateCase(rng));
process.stdout.write(JSON.stringify({ seed, cases }));
