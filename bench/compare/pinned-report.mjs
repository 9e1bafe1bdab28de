// Turns one `bench/compare.sh --pinned` run (its results folder) into the "CollabHost vs ShareDB, pinned" markdown:
// prints it, and with --write FILE puts it into that file's section (see docs-section.mjs).
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BEGIN, END, writeSection } from './docs-section.mjs';

const SECTION = '## CollabHost vs ShareDB, pinned';
const SERVERS = [
  { kind: 'sharedb', name: 'stock ShareDB 7' },
  { kind: 'collabhost', name: 'CollabHost' },
];

const { values: a } = parseArgs({
  options: Object.fromEntries(['results', 'docs', 'editors-per-doc', 'rate', 'seconds', 'warmup', 'idle', 'idle-every', 'journal',
    'server-cpus', 'loader-cpus', 'commit', 'command', 'write'].map((name) => [name, { type: 'string' }])),
});
const results = a.results;
const read = (file) => (existsSync(path.join(results, file)) ? JSON.parse(readFileSync(path.join(results, file), 'utf8')) : null);
// The server's context switches per acked op over CollabLoad's window, all threads (bench/thread-cpu/threads.py report).
const switchesOf = (file) => {
  const p = path.join(results, file);
  if (!existsSync(p)) return null;
  const m = readFileSync(p, 'utf8').match(/^process .*?([\d.]+) switches\/op/m);
  return m ? Number(m[1]) : null;
};
const cpuOf = (file) => { // "user sys" seconds from bash's time, or null
  const p = path.join(results, file);
  if (!existsSync(p)) return null;
  const [user, sys] = readFileSync(p, 'utf8').trim().split(/\s+/).map(Number);
  return Number.isFinite(user + sys) ? user + sys : null;
};
const fmt = (n, digits = 0) => (n == null || Number.isNaN(n) ? '—' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
const ratio = (ours, theirs) => (ours == null || theirs == null || theirs === 0 ? '—' : `${fmt(ours / theirs, 2)}×`);

const data = Object.fromEntries(SERVERS.map(({ kind }) => [kind, {
  load: read(`${kind}-pinned-result.json`),
  driver: read(`${kind}-driver-result.json`),
  idle: read(`${kind}-pinned-idle-idle.json`),
  switches: switchesOf(`${kind}-pinned-threads.txt`),
  loadCpu: cpuOf(`${kind}-pinned.time`),
  driverCpu: cpuOf(`${kind}-driver.time`),
}]));
const s = data.sharedb, c = data.collabhost;
const perConnection = (d) => (d.idle?.serverBytesPerConnection == null ? null : d.idle.serverBytesPerConnection / 1024);

const target = Number(a.docs) * Number(a['editors-per-doc']) * Number(a.rate);
const lines = [BEGIN, ''];
lines.push(`Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on commit ${a.commit}: ${os.cpus().length} CPUs ` +
  `(${os.cpus()[0]?.model ?? 'unknown'}); load average before/after: ` +
  `${readFileSync(path.join(results, 'load-before.txt'), 'utf8').trim().replace(/.*load average: /, '')} / ` +
  `${readFileSync(path.join(results, 'load-after.txt'), 'utf8').trim().replace(/.*load average: /, '')}. ` +
  `Server on CPU ${a['server-cpus']}, load generators on CPU ${a['loader-cpus']} (\`taskset\`). ` +
  `Open loop: ${a.docs} documents × ${a['editors-per-doc']} editors × ${a.rate} edits/s = ${fmt(target)} edits/s, ` +
  `${a.seconds} s measured after a ${a.warmup} s warm-up run (not recorded) on the same server. ` +
  `CollabHost journal: ${a.journal}. Reproduce: \`${a.command}\`.`);
lines.push('');
lines.push('| | stock ShareDB 7 (in memory) | CollabHost | CollabHost ÷ ShareDB |');
lines.push('|---|---|---|---|');
const row = (label, f, digits = 0) => lines.push(`| ${label} | ${fmt(f(s), digits)} | ${fmt(f(c), digits)} | ${ratio(f(c), f(s))} |`);
row('server CPU per acked op, µs (CollabLoad)', (d) => d.load?.serverCpuMicrosPerAckedOp, 1);
row('server CPU per acked op, µs (Node driver)', (d) => d.driver?.serverCpuMicrosPerAckedOp, 1);
row('server context switches per acked op, all threads (CollabLoad)', (d) => d.switches, 2);
row('acked ops/s (CollabLoad)', (d) => d.load?.ackedOpsPerSecond, 0);
row('ack p50, ms (CollabLoad)', (d) => d.load?.ackLatency?.p50Ms, 1);
row('ack p99, ms (CollabLoad)', (d) => d.load?.ackLatency?.p99Ms, 1);
row('ack p50, ms (Node driver)', (d) => d.driver?.ackLatencyMs?.p50, 1);
row('ack p99, ms (Node driver)', (d) => d.driver?.ackLatencyMs?.p99, 1);
row(`memory per idle connection, KiB (${fmt(Number(a.idle))} sockets, 1 in ${a['idle-every']} subscribed)`, perConnection, 1);
lines.push('');
const checks = [];
for (const { kind, name } of SERVERS) {
  const d = data[kind];
  if (!d.load) { checks.push(`${name}: no CollabLoad result.`); continue; }
  checks.push(`${name}: CollabLoad ${d.load.passed === false ? 'reported errors' : 'clean'} (errors ${d.load.errors}, converged ` +
    `${d.load.convergence?.converged}); idle: ${d.idle ? `${fmt(d.idle.connectionsHeld)}/${fmt(d.idle.connectionsRequested)} held` : 'not run'}; ` +
    `driver errors ${d.driver?.errors ?? '—'}. Load generators' own CPU: CollabLoad ${fmt(d.loadCpu, 1)} s over its whole run ` +
    `(${d.loadCpu == null ? '—' : fmt((100 * d.loadCpu) / (Number(a.seconds) + 5 + 2), 0)} % of CPU 0 if spread over ramp-up and window), ` +
    `driver ${fmt(d.driver?.driverCpuSeconds, 1)} s over its ${a.seconds} s window (${d.driver ? fmt((100 * d.driver.driverCpuSeconds) / Number(a.seconds), 0) : '—'} % of CPU 0).`);
}
lines.push(...checks.map((t) => `- ${t}`));
lines.push('');
lines.push('Server CPU per acked op is the server process\'s user+system time (/proc/PID/stat) read by the load generator at ' +
  'the start and the end of its measured window, divided by the ops acknowledged in that window: ramp-up, warm-up and ' +
  'the convergence check are outside it, for both servers. Context switches are every server thread\'s switches out ' +
  '(sleeps and preemptions, /proc/PID/task/*/status) over the same window, per acked op: on one CPU each is a hand-off ' +
  'from one thread to another. The Node driver (bench/compare/driver.mjs, raw protocol over ' +
  '`ws`, no code shared with CollabLoad) measures the same point on new documents. Memory per idle connection is server ' +
  'RSS while holding the connections minus RSS before connecting, on a fresh server. A load generator near 100 % of ' +
  'CPU 0 would limit the offered load; the figures above say how close each came.');
lines.push('', END);
const block = lines.join('\n');
console.log(block);
if (a.write) writeSection(a.write, SECTION, block);
