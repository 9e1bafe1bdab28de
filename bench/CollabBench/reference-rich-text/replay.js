// Replays a rich-text workload written by bench/CollabBench (RichTextWorkload.ToJson) through the reference rich-text
// 4.1.0 (quill-delta 4.2.2), exactly as the benchmark replays it through CollabText.RichText: each agent's op is
// transformed past the other agent's applied ops its author had not seen (and those past it; agent 0 is the left
// side), then applied to the document (rich-text's apply is snapshot.compose(op)).
// Usage: node replay.js WORKLOAD.json [--runs N] [--warmup N]   → one JSON line on stdout:
//   {"ops", "runsMs": [...], "medianMs", "minMs", "maxMs", "matchesEnd", "node"}
'use strict';
const fs = require('fs');
const { type } = require('rich-text');

function parseArgs(argv) {
  const args = { workload: null, runs: 5, warmup: 2 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--runs') args.runs = Number(argv[++i]);
    else if (argv[i] === '--warmup') args.warmup = Number(argv[++i]);
    else if (args.workload === null) args.workload = argv[i];
    else throw Error(`unexpected argument ${argv[i]}`);
  }
  if (!args.workload || !(args.runs >= 1) || !(args.warmup >= 0)) {
    throw Error('usage: node replay.js WORKLOAD.json [--runs N] [--warmup N]');
  }
  return args;
}

function replay(entries) {
  let doc = type.create();
  const unseen = [[], []];
  const made = [0, 0];
  for (const entry of entries) {
    let bridge = unseen[entry.agent];
    let known = 0;
    while (known < bridge.length && bridge[known].index < entry.otherSeen) known++;
    if (known > 0) bridge = unseen[entry.agent] = bridge.slice(known);
    const side = entry.agent === 0 ? 'left' : 'right';
    const otherSide = entry.agent === 0 ? 'right' : 'left';
    let op = entry.op;
    for (const b of bridge) {
      const theirs = b.op;
      b.op = type.transform(theirs, op, otherSide);
      op = type.transform(op, theirs, side);
    }
    doc = type.apply(doc, op);
    unseen[1 - entry.agent].push({ op, index: made[entry.agent]++ });
  }
  return doc;
}

// quill-delta writes an op's keys in whichever order its code built the object ({attributes, insert} after a cut,
// {insert, attributes} after a merge), so the documents are compared with every object's keys sorted.
function canonical(value) {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    const sorted = {};
    for (const key of Object.keys(value).sort()) sorted[key] = canonical(value[key]);
    return sorted;
  }
  return value;
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const text = fs.readFileSync(args.workload, 'utf8');
  const workload = JSON.parse(text);
  const expected = JSON.stringify(canonical(workload.end));
  let matches = true;
  const runsMs = [];
  for (let i = 0; i < args.warmup + args.runs; i++) {
    const fresh = JSON.parse(text); // made before the timer: no run sees another's objects
    const started = process.hrtime.bigint();
    const doc = replay(fresh.entries);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (JSON.stringify(canonical({ ops: doc.ops })) !== expected) matches = false;
    if (i >= args.warmup) runsMs.push(ms);
  }
  const sorted = [...runsMs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  console.log(JSON.stringify({
    ops: workload.entries.length, runsMs, medianMs: median, minMs: sorted[0], maxMs: sorted[sorted.length - 1],
    matchesEnd: matches, node: process.version,
  }));
}

main();
