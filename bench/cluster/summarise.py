#!/usr/bin/env python3
"""Summary of a bench/cluster.sh run: reads ARTIFACTS/<label>-result.json and prints markdown tables.

usage: summarise.py ARTIFACTS_DIR COMMAND
"""
import json
import os
import sys

LABELS = [("sqlite", "1 node, SQLite"), ("pg1", "1 node, PostgreSQL"), ("pg3", "3 nodes, PostgreSQL")]


def load(directory, label):
    path = os.path.join(directory, f"{label}-result.json")
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def fmt(value, digits=0):
    return "–" if value is None else f"{value:,.{digits}f}"


def main():
    directory, command = sys.argv[1], sys.argv[2]
    print(f"Command: `{command}` (artifacts in {directory})\n")
    print("| configuration | acked ops/s | server CPU µs/op (sum of nodes) | PostgreSQL CPU µs/op | ack p50 | ack p99 "
          "| errors | converged | load average (start → end of window) |")
    print("|---|---|---|---|---|---|---|---|---|")
    per_op = {}
    for label, name in LABELS:
        r = load(directory, label)
        if r is None:
            continue
        cpu = r.get("cpu") or {}
        per_op[label] = cpu.get("serverMicrosPerAckedOp")
        conv = r["convergence"]
        database = cpu.get("databaseMicrosPerAckedOp") if label != "sqlite" else None
        print(f"| {name} | {fmt(r['ackedOpsPerSecond'], 1)} | {fmt(cpu.get('serverMicrosPerAckedOp'))} | {fmt(database)} "
              f"| {r['ackLatency']['p50Ms']:.1f} ms | {r['ackLatency']['p99Ms']:.1f} ms | {r['errors']} "
              f"| {conv['editorsChecked'] - conv['divergentEditors']}/{r['editors']} "
              f"| {cpu.get('loadAverageAtStart', '?')} → {cpu.get('loadAverageAtEnd', '?')} |")
    if per_op.get("sqlite") and per_op.get("pg1"):
        print(f"\nPostgreSQL / SQLite, one node, server CPU per op: {per_op['pg1'] / per_op['sqlite']:.2f}× (target ≤ 1.2×)")
    if per_op.get("pg1") and per_op.get("pg3"):
        print(f"Three nodes / one node (PostgreSQL), server CPU per op: {per_op['pg3'] / per_op['pg1']:.2f}× (target ≤ 1.5×)")

    r = load(directory, "failover")
    if r is not None and r.get("failover"):
        f = r["failover"]
        print("\n| failover | value |\n|---|---|")
        print(f"| killed (kill -9) | pid {f['killedPid']}, the busiest node, {f['killedAfterSeconds']:.0f} s into the window |")
        print(f"| documents back (kill → first ack), max / p50 | {f['documentRecoveryMaxSeconds']:.1f} s / {f['documentRecoveryP50Seconds']:.1f} s "
              f"over {f['documents']} documents |")
        down = f.get("downDocumentsBackSeconds") or []
        if down:
            print(f"| documents that were down (back after more than 1 s) | {len(down)}, back from {down[0]:.1f} s to {down[-1]:.1f} s |")
        print(f"| longest stall of an editor (keystroke to its ack), max / p50 | {f['editorStallMaxSeconds']:.1f} s / {f['editorStallP50Seconds']:.1f} s |")
        print(f"| editor's first ack after its document's, max | {f['beyondRecoveryMaxSeconds']:.1f} s "
              f"({f['editorsStalledOver3sBeyondRecovery']} editors over 3 s) |")
        print(f"| acked ops / lost / applied twice | {f['ackedOps']:,} / {f['lostAckedOps']} / {f['versionsWithoutAck']} |")
        print(f"| reconnects, errors, converged | {r['reconnects']}, {r['errors']}, "
              f"{r['convergence']['editorsChecked'] - r['convergence']['divergentEditors']}/{r['editors']} |")
        for problem in f["problems"]:
            print(f"- {problem}")
        for editor in f.get("lateEditors", []):
            print(f"- late: {editor}")


if __name__ == "__main__":
    main()
