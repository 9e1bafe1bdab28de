// Turns one bench/compare.sh run (its results folder) into the "CollabHost vs ShareDB" markdown: prints it, and with
// --write FILE puts it into that file's "## CollabHost vs ShareDB" section between the generated-block markers,
// keeping every other section and any notes written below the end marker.
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BEGIN, END, writeSection } from './docs-section.mjs';

const SECTION = '## CollabHost vs ShareDB';
const SERVERS = [
  { kind: 'sharedb', name: 'stock ShareDB 7' },
  { kind: 'collabhost', name: 'CollabHost' },
];

const { values: a } = parseArgs({
  options: Object.fromEntries(['results', 'rate-per-editor', 'editors-per-doc', 'step-seconds', 'p99-limit', 'idle-connections',
    'source-addresses', 'ramp-up-seconds', 'journal', 'server-cpus', 'loader-cpus', 'ticks-per-second', 'commit', 'command', 'write']
    .map((name) => [name, { type: 'string' }])),
});
const results = a.results;
const ticksPerSecond = Number(a['ticks-per-second']);
const read = (file) => JSON.parse(readFileSync(path.join(results, file), 'utf8'));
const fmt = (n, digits = 0) => (n == null || Number.isNaN(n) ? '—' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));

/** The ramp of one server: every attempt run, in order, with its verdict and the server CPU it cost. */
function ramp(kind) {
  const stepsFile = path.join(results, `${kind}-ramp.steps`);
  if (!existsSync(stepsFile)) return [];
  return readFileSync(stepsFile, 'utf8').trim().split('\n').filter(Boolean).map((line) => {
    const [target, attempt, ticks, verdict] = line.split('\t');
    const file = `${kind}-ramp-${target}-${attempt}-result.json`;
    const r = existsSync(path.join(results, file)) ? read(file) : null;
    const cpuSeconds = Number(ticks) / ticksPerSecond;
    return {
      target: Number(target), attempt: Number(attempt), verdict, r, cpuSeconds,
      cpuMicrosPerOp: r && r.opsAcked > 0 ? (cpuSeconds * 1e6) / r.opsAcked : null,
    };
  });
}

function idle(kind) {
  const file = `${kind}-idle-idle.json`;
  return existsSync(path.join(results, file)) ? read(file) : null;
}

const data = Object.fromEntries(SERVERS.map(({ kind }) => [kind, { ramp: ramp(kind), idle: idle(kind) }]));
const passing = (kind) => data[kind].ramp.filter((s) => s.verdict === 'pass');
const best = (kind) => passing(kind).reduce((top, s) => (!top || s.r.ackedOpsPerSecond > top.r.ackedOpsPerSecond ? s : top), null);
// Equal load: the highest step both servers passed (the same asked edits/s against each).
// Equal load: the highest step both servers passed; when there is none, the highest step both ran (marked failed).
const common = (pick) => pick('sharedb').map((s) => s.target).filter((t) => pick('collabhost').some((c) => c.target === t));
const bothPassed = common(passing);
const bothRan = common((kind) => data[kind].ramp.filter((s) => s.r));
const equalPassed = bothPassed.length > 0;
const equalTarget = equalPassed ? Math.max(...bothPassed) : bothRan.length ? Math.max(...bothRan) : null;
// At a step run twice, the try that counts is the passing one, else the one with the lower p99.
const atEqual = (kind) => data[kind].ramp.filter((s) => s.r && s.target === equalTarget)
  .sort((x, y) => (x.verdict === 'pass') !== (y.verdict === 'pass') ? (x.verdict === 'pass' ? -1 : 1) : x.r.ackLatency.p99Ms - y.r.ackLatency.p99Ms)[0] ?? null;
const ratio = (x, y) => (x != null && y ? `${fmt(x / y, 2)}×` : '—');

const commit = a.commit;
const loadBefore = readFileSync(path.join(results, 'load-before.txt'), 'utf8').trim().replace(/.*load average:\s*/, '');
const loadAfter = existsSync(path.join(results, 'load-after.txt'))
  ? readFileSync(path.join(results, 'load-after.txt'), 'utf8').trim().replace(/.*load average:\s*/, '') : '—';

const lines = [];
const row = (...cells) => lines.push(`| ${cells.join(' | ')} |`);
lines.push(BEGIN, '');
lines.push(`Measured by \`${a.command.trim()}\` (results folder \`${results}\`) on commit ${commit}: ` +
  `${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, ` +
  `load average before the run ${loadBefore}, after it ${loadAfter} (other work on the machine shows there). ` +
  (a['server-cpus'] === 'any' ? 'Server and load generator not pinned (both may use either CPU). '
    : `Server pinned to CPU ${a['server-cpus']}, load generator to CPU ${a['loader-cpus']}. `) +
  `ShareDB: bench/peers/sharedb-server (sharedb 7.0.0, ot-text-unicode 4.0.0, in-memory database). ` +
  `CollabHost: Release build with its default settings, journal: ${a.journal}.`);
lines.push('');
lines.push(`Typing workload: open loop; every simulated editor types like a person at ${a['rate-per-editor']} edits/s on ` +
  `average (bursts of 3–12 keystrokes, then a pause; inserts, deletes, cursor presence), ${a['editors-per-doc']} editors ` +
  `per document, one WebSocket each (JSON frames, from 127.0.0.2 … 127.0.0.${Number(a['source-addresses']) + 1}). ` +
  `Each step asks for more edits/s by having more people (asked edits/s ÷ ${a['rate-per-editor']} editors), ` +
  `${a['step-seconds']} s measured after a ramp-up of at least ${a['ramp-up-seconds']} s, until a step fails. ` +
  `A step passes when ack p99 ≤ ${a['p99-limit']} ms, the ` +
  `load generator delivered ≥ 90 % of the asked edits (typing is bursty), there were no errors and every editor's text equalled a fresh ` +
  `fetch; the machine is shared, so a failed step is tried once more and passes if either try did. Each server gets an ` +
  `unrecorded 5 s warm-up run first. An editor has one op in flight and composes edits typed meanwhile, so acked ops/s ` +
  `can be below edits/s; ack latency is measured in the load generator, so its own delays (loader lag) count too.`);
lines.push('');
row('', ...SERVERS.map((s) => s.name), 'CollabHost ÷ ShareDB', 'target');
row('---', '---:', '---:', '---:', '---');
const sb = best('sharedb'); const cb = best('collabhost');
const sustained = (s) => (s ? `${fmt(s.r.ackedOpsPerSecond)} (step ${fmt(s.target)} edits/s, ${fmt(s.r.editors)} editors)` : 'no step passed');
row(`sustained acked ops/s with ack p99 ≤ ${a['p99-limit']} ms`, sustained(sb), sustained(cb),
  ratio(cb?.r.ackedOpsPerSecond, sb?.r.ackedOpsPerSecond), '≥ 3×');
const se = atEqual('sharedb'); const ce = atEqual('collabhost');
const p = (s) => (s ? `${fmt(s.r.ackLatency.p50Ms, 1)} / ${fmt(s.r.ackLatency.p99Ms, 1)} ms` : '—');
const equalLabel = equalTarget == null ? 'no common step'
  : `${fmt(equalTarget)} edits/s${equalPassed ? '' : ', a step neither passed'}`;
row(`ack p50 / p99 at equal load (${equalLabel})`, p(se), p(ce),
  ratio(ce?.r.ackLatency.p99Ms, se?.r.ackLatency.p99Ms), 'p99 no higher');
const cpu = (s) => (s?.cpuMicrosPerOp != null ? `${fmt(s.cpuMicrosPerOp)} µs` : '—');
row('server CPU per acked op at equal load (whole run)', cpu(se), cpu(ce), ratio(ce?.cpuMicrosPerOp, se?.cpuMicrosPerOp), '');
const held = (i) => (i ? `${fmt(i.connectionsHeld)} of ${fmt(i.connectionsRequested)}` : '—');
row(`idle connections held (${a['source-addresses']} source addresses)`, held(data.sharedb.idle), held(data.collabhost.idle), '',
  '10,000');
const mem = (i) => (i?.serverBytesPerConnection != null
  ? `${fmt(i.serverBytesPerConnection / 1024, 1)} KiB (RSS ${fmt(i.serverRssBytesBefore / 2 ** 20)} → ${fmt(i.serverRssBytesHeld / 2 ** 20)} MiB)` : '—');
row('server memory per idle connection', mem(data.sharedb.idle), mem(data.collabhost.idle),
  ratio(data.collabhost.idle?.serverBytesPerConnection, data.sharedb.idle?.serverBytesPerConnection), '≤ 30 KB');
lines.push('');

for (const { kind, name } of SERVERS) {
  lines.push(`${name}, step by step:`, '');
  row('asked edits/s', 'editors', 'try', 'edits/s', 'acked ops/s', 'ack p50 / p99 ms', 'delivery p99 ms', 'server CPU', 'server CPU per op',
    'loader lag p99 ms', 'verdict');
  row('---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---');
  for (const s of data[kind].ramp) {
    if (!s.r) { row(fmt(s.target), '—', s.attempt, '—', '—', '—', '—', '—', '—', '—', s.verdict); continue; }
    const wall = s.r.measuredSeconds + s.r.rampUpSeconds;
    row(fmt(s.target), fmt(s.r.editors), s.attempt, fmt(s.r.editsPerSecond), fmt(s.r.ackedOpsPerSecond),
      `${fmt(s.r.ackLatency.p50Ms, 1)} / ${fmt(s.r.ackLatency.p99Ms, 1)}`, fmt(s.r.deliveryLatency.p99Ms, 1),
      `${fmt(s.cpuSeconds, 1)} s (~${fmt((100 * s.cpuSeconds) / wall)} % of a core)`, `${fmt(s.cpuMicrosPerOp)} µs`,
      fmt(s.r.schedulerLag.p99Ms, 1), s.verdict);
  }
  if (!data[kind].ramp.length) lines.push('(not run)');
  lines.push('');
}
lines.push('Server CPU is the process\'s user+system time over the whole load-generator run of a step (connect, ramp-up, ' +
  'measured window, convergence check), so "% of a core" over the measured window plus ramp-up is approximate; CPU per ' +
  'op divides it by every op acked in that run. Loader lag is how late the load generator\'s scheduler was: when it ' +
  'is high, the machine, not the server, was the limit. Memory per connection is server RSS while holding the idle ' +
  'connections minus RSS after seeding and before connecting, on a freshly started server.');
lines.push('', END);
const block = lines.join('\n');
console.log(block);

if (a.write) writeSection(a.write, SECTION, block);
