// Replays an editing trace (format: ../shared/traces/README.md) through the reference ot-text-unicode 4.0.0 on
// plain JS strings, exactly as bench/CollabBench replays it through our TextDocument: each patch becomes a
// text-unicode op and is applied; a concurrent two-agent trace is merged the same Jupiter way (each agent's op
// transformed past the other agent's unseen ops and those past it; agent 0's insert goes first at a tie).
// Usage: node replay.js TRACE [--runs N] [--warmup N]   → one JSON line on stdout:
//   {"trace", "patches", "runsMs": [...], "medianMs", "minMs", "maxMs", "matchesEndContent"}
'use strict';
const fs = require('fs');
const zlib = require('zlib');
const { type } = require('ot-text-unicode');

function parseArgs(argv) {
  const args = { trace: null, runs: 5, warmup: 2 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--runs') args.runs = Number(argv[++i]);
    else if (argv[i] === '--warmup') args.warmup = Number(argv[++i]);
    else if (args.trace === null) args.trace = argv[i];
    else throw Error(`unexpected argument ${argv[i]}`);
  }
  if (!args.trace || !(args.runs >= 1) || !(args.warmup >= 0)) {
    throw Error('usage: node replay.js TRACE [--runs N] [--warmup N]');
  }
  return args;
}

function load(path) {
  const raw = fs.readFileSync(path);
  const json = JSON.parse((path.endsWith('.gz') ? zlib.gunzipSync(raw) : raw).toString('utf8'));
  const concurrent = json.kind === 'concurrent';
  const txns = json.txns;
  if (concurrent) annotateConcurrent(txns, json.numAgents);
  return { concurrent, start: json.startContent || '', end: json.endContent, txns };
}

// Per txn: its index in its agent's sequence and how many of the other agent's txns it had seen.
function annotateConcurrent(txns, numAgents) {
  if (numAgents !== 2) throw Error(`only two-agent concurrent traces are supported, not ${numAgents}`);
  const made = [0, 0];
  txns.forEach((txn, i) => {
    const seen = [0, 0];
    for (const p of txn.parents) {
      const parent = txns[p];
      seen[0] = Math.max(seen[0], parent.seen[0] + (parent.agent === 0 ? 1 : 0));
      seen[1] = Math.max(seen[1], parent.seen[1] + (parent.agent === 1 ? 1 : 0));
    }
    if (seen[txn.agent] !== made[txn.agent]) throw Error(`txn ${i}: agent ${txn.agent}'s txns are not a chain`);
    txn.seen = seen;
    txn.agentIndex = made[txn.agent]++;
    txn.otherSeen = seen[1 - txn.agent];
  });
}

const toOp = ([pos, del, ins]) => {
  const op = [];
  if (pos > 0) op.push(pos);
  if (del > 0) op.push({ d: del });
  if (ins.length > 0) op.push(ins);
  return op;
};

function replaySequential(trace) {
  let doc = trace.start;
  for (const txn of trace.txns) {
    for (const patch of txn.patches) doc = type.apply(doc, toOp(patch));
  }
  return doc;
}

function replayConcurrent(trace) {
  let doc = trace.start;
  const unseen = [[], []];
  for (const txn of trace.txns) {
    let bridge = unseen[txn.agent];
    let known = 0;
    while (known < bridge.length && bridge[known].index < txn.otherSeen) known++;
    if (known > 0) bridge = unseen[txn.agent] = bridge.slice(known);
    const side = txn.agent === 0 ? 'left' : 'right';
    const otherSide = txn.agent === 0 ? 'right' : 'left';
    for (const patch of txn.patches) {
      let op = toOp(patch);
      for (const entry of bridge) {
        const theirs = entry.op;
        entry.op = type.transform(theirs, op, otherSide);
        op = type.transform(op, theirs, side);
      }
      doc = type.apply(doc, op);
      unseen[1 - txn.agent].push({ op, index: txn.agentIndex });
    }
  }
  return doc;
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const trace = load(args.trace);
  const replay = trace.concurrent ? replayConcurrent : replaySequential;
  let matches = true;
  const runsMs = [];
  for (let i = 0; i < args.warmup + args.runs; i++) {
    const started = process.hrtime.bigint();
    const doc = replay(trace);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (doc !== trace.end) matches = false;
    if (i >= args.warmup) runsMs.push(ms);
  }
  const sorted = [...runsMs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const patches = trace.txns.reduce((n, t) => n + t.patches.length, 0);
  console.log(JSON.stringify({
    trace: args.trace, patches, runsMs, medianMs: median, minMs: sorted[0], maxMs: sorted[sorted.length - 1],
    matchesEndContent: matches, node: process.version,
  }));
}

main();
