// An independent load driver for bench/compare.sh: a second opinion on CollabLoad's figures, written from the
// protocol (../shared/PROTOCOL.md) rather than from CollabLoad's code. It speaks raw ShareDB protocol 1.2 over the
// `ws` package to any server (stock ShareDB or CollabHost), one socket per editor, text-unicode documents.
//
// Open loop: each editor makes edits at `rate` per second (exponential gaps, seeded), like a person typing; as the
// sharedb client does, edits made while an op is in flight wait and go together as the next op. Every op inserts at
// position 0, which is valid whatever concurrent ops did, so an editor needs only the document's version. After all
// editors are connected and a warm-up has passed, it measures for `duration` seconds: acked ops, ack latency (from
// sending an op to its ack), the server's CPU time from /proc/PID/stat over exactly that window, and its own CPU.
//
//   node bench/compare/driver.mjs --url ws://127.0.0.1:5000/ws --docs 100 --editors-per-doc 4 --rate 5 \
//     --warmup 5 --duration 20 --server-pid PID [--source-addresses 25] [--seed 1] [--out result.json]
//
// Load stays on this machine: the URL must name 127.0.0.0/8 or localhost, and every phase has a deadline.
import { readFileSync, writeFileSync } from 'node:fs';
import { WebSocket } from 'ws';

const args = parseArgs(process.argv.slice(2));
const url = new URL(args.url ?? fail('--url is required'));
if (!(url.hostname === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(url.hostname))) fail(`--url must target 127.0.0.0/8 or localhost, got ${url.hostname}`);
const docs = int('docs', 100), editorsPerDoc = int('editors-per-doc', 4), rate = num('rate', 5);
const warmupSeconds = num('warmup', 5), durationSeconds = num('duration', 20);
const serverPid = args['server-pid'] ? int('server-pid', 0) : null;
const sourceAddresses = args['source-addresses'] ? int('source-addresses', 1) : null;
const collection = args.collection ?? 'driver';
const prefix = args['doc-prefix'] ?? `driver-${Date.now().toString(36)}-`;
const connectTimeoutMs = 60_000;
let seed = int('seed', 20261204) >>> 0;

const TEXT_UNICODE = 'http://sharejs.org/types/text-unicode';
const ticksPerSecond = 100; // USER_HZ: /proc/PID/stat counts CPU time in these

let measuring = false;
let acked = 0, sent = 0, errors = 0;
const errorSamples = [];
const latenciesMs = [];

async function main() {
  const started = Date.now();
  const editors = [];
  for (let i = 0; i < docs * editorsPerDoc; i++) editors.push(new Editor(i, prefix + (i % docs)));
  console.log(`driver: ${docs} docs × ${editorsPerDoc} editors at ${rate} edits/s each (${docs * editorsPerDoc * rate} edits/s), ` +
    `warm-up ${warmupSeconds} s, measured ${durationSeconds} s, ${url}`);

  // The first editor of each document creates it; the others subscribe after it exists.
  await withDeadline(Promise.all(editors.slice(0, docs).map((e) => e.open().then(() => e.create()))), connectTimeoutMs, 'creating documents');
  await withDeadline(pool(editors.slice(docs), 64, (e) => e.open()), connectTimeoutMs, 'connecting editors');
  await withDeadline(Promise.all(editors.map((e) => e.subscribe())), connectTimeoutMs, 'subscribing');
  console.log(`driver: ${editors.length} editors connected and subscribed in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  for (const e of editors) e.startTyping();
  await sleep(warmupSeconds * 1000);

  const cpuBefore = serverPid ? serverCpuSeconds(serverPid) : null;
  const ownBefore = process.cpuUsage();
  const windowStart = performance.now();
  measuring = true;
  await sleep(durationSeconds * 1000);
  measuring = false;
  const windowSeconds = (performance.now() - windowStart) / 1000;
  const cpuAfter = serverPid ? serverCpuSeconds(serverPid) : null;
  const own = process.cpuUsage(ownBefore);

  for (const e of editors) e.stopTyping();
  await sleep(1000);
  for (const e of editors) e.close();

  latenciesMs.sort((a, b) => a - b);
  const serverCpu = cpuBefore !== null && cpuAfter !== null ? cpuAfter - cpuBefore : null;
  const result = {
    driver: 'bench/compare/driver.mjs',
    url: url.toString(), docs, editorsPerDoc, rate, warmupSeconds, measuredSeconds: round(windowSeconds, 3),
    targetEditsPerSecond: docs * editorsPerDoc * rate,
    opsSent: sent, ackedOps: acked, ackedOpsPerSecond: round(acked / windowSeconds, 1),
    ackLatencyMs: { p50: percentile(50), p99: percentile(99), max: latenciesMs.length ? round(latenciesMs.at(-1), 2) : null, count: latenciesMs.length },
    serverCpuSeconds: serverCpu === null ? null : round(serverCpu, 2),
    serverCpuMicrosPerAckedOp: serverCpu === null || acked === 0 ? null : round(serverCpu * 1e6 / acked, 1),
    driverCpuSeconds: round((own.user + own.system) / 1e6, 2),
    errors, errorSamples,
  };
  console.log(`driver: acked ops/s ${result.ackedOpsPerSecond}; ack ms p50/p99/max ${result.ackLatencyMs.p50}/${result.ackLatencyMs.p99}/${result.ackLatencyMs.max}; ` +
    `server CPU ${result.serverCpuSeconds ?? '?'} s (${result.serverCpuMicrosPerAckedOp ?? '?'} µs per acked op); driver CPU ${result.driverCpuSeconds} s; errors ${errors}`);
  if (args.out) writeFileSync(args.out, JSON.stringify(result, null, 2));
  process.exit(errors === 0 ? 0 : 1);
}

class Editor {
  constructor(index, docId) {
    this.index = index;
    this.docId = docId;
    this.version = null;
    this.seq = 0;
    this.inflight = null; // { seq, sentAt, inWindow }
    this.pendingChars = 0;
    this.timer = null;
    this.waiters = new Map(); // action → resolve, for the set-up phase
  }

  open() {
    const options = sourceAddresses ? { localAddress: `127.0.0.${2 + (this.index % sourceAddresses)}` } : {};
    this.socket = new WebSocket(url, options);
    this.socket.on('message', (data) => this.onMessage(JSON.parse(data.toString())));
    this.socket.on('error', (e) => recordError(`editor ${this.index}: ${e.message}`));
    this.socket.on('close', (code) => { if (this.timer) recordError(`editor ${this.index}: closed ${code}`); this.stopTyping(); });
    const init = this.expect('init');
    return init.then(() => {
      const hs = this.expect('hs');
      this.send({ a: 'hs', id: null, protocol: 1, protocolMinor: 2 });
      return hs;
    }).then((reply) => { this.src = reply.id; });
  }

  async create() {
    const ack = this.expect('op');
    this.send({ a: 'op', c: collection, d: this.docId, v: 0, seq: ++this.seq, x: {}, create: { type: TEXT_UNICODE, data: '' } });
    await ack;
  }

  async subscribe() {
    const reply = this.expect('s');
    this.send({ a: 's', c: collection, d: this.docId, v: null });
    const message = await reply;
    this.version = message.data.v;
  }

  startTyping() {
    const next = () => {
      this.timer = setTimeout(() => { this.pendingChars++; this.flush(); next(); }, exponential(1000 / rate));
    };
    next();
  }

  stopTyping() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  flush() {
    if (this.inflight || this.pendingChars === 0 || this.version === null || !this.timer) return;
    const text = 'x'.repeat(this.pendingChars);
    this.pendingChars = 0;
    this.inflight = { seq: ++this.seq, sentAt: performance.now(), inWindow: measuring };
    sent++;
    this.send({ a: 'op', c: collection, d: this.docId, v: this.version, seq: this.inflight.seq, x: {}, op: [text] });
  }

  onMessage(message) {
    if (message.error) {
      recordError(`editor ${this.index}: ${message.a} ${message.error.code}: ${message.error.message}`);
      if (message.a === 'op') this.inflight = null;
    }
    const waiter = this.waiters.get(message.a);
    if (waiter) {
      this.waiters.delete(message.a);
      waiter(message);
      return;
    }
    if (message.a !== 'op' || message.d !== this.docId || message.error) return;
    if (message.src === this.src && this.inflight && message.seq === this.inflight.seq && !message.op) {
      // Our ack: the document is at v + 1 and the op is ours.
      if (measuring) acked++;
      if (this.inflight.inWindow && measuring) latenciesMs.push(performance.now() - this.inflight.sentAt);
      this.version = message.v + 1;
      this.inflight = null;
      this.flush();
    } else if (message.op && this.version !== null && message.v >= this.version) {
      this.version = message.v + 1;
    }
  }

  expect(action) {
    return new Promise((resolve) => this.waiters.set(action, resolve));
  }

  send(message) {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  close() {
    this.stopTyping();
    this.socket.close();
  }
}

function serverCpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond; // utime, stime (fields 14 and 15)
}

function recordError(text) {
  errors++;
  if (errorSamples.length < 20) errorSamples.push(text);
}

function percentile(p) {
  if (latenciesMs.length === 0) return null;
  return round(latenciesMs[Math.min(latenciesMs.length - 1, Math.ceil((p / 100) * latenciesMs.length) - 1)], 2);
}

function exponential(meanMs) { // mulberry32, so a seed gives the same gaps
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  return -Math.log(1 - u) * meanMs;
}

async function pool(items, width, run) {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) await run(items[next++]);
  }));
}

function withDeadline(promise, ms, what) {
  let timer;
  return Promise.race([promise, new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms); })])
    .finally(() => clearTimeout(timer));
}

function sleep(ms) { return new Promise((resolve) => setTimeout(resolve, ms)); }
function round(x, digits) { return Math.round(x * 10 ** digits) / 10 ** digits; }
function int(name, fallback) { const v = args[name] === undefined ? fallback : Number(args[name]); if (!Number.isInteger(v)) fail(`--${name} must be an integer`); return v; }
function num(name, fallback) { const v = args[name] === undefined ? fallback : Number(args[name]); if (!Number.isFinite(v) || v <= 0) fail(`--${name} must be a positive number`); return v; }
function fail(why) { console.error('driver: ' + why); process.exit(2); }
function parseArgs(list) {
  const out = {};
  for (let i = 0; i < list.length; i++) {
    if (!list[i].startsWith('--')) fail(`unexpected argument ${list[i]}`);
    out[list[i].slice(2)] = list[i + 1];
    i++;
  }
  return out;
}

main().catch((e) => { console.error(e); process.exit(1); });
