#!/usr/bin/env python3
"""CPU time and context switches of one process and of each of its threads, from /proc, for bench/thread-cpu.sh.

  threads.py snapshot PID                    one JSON line: the process's utime+stime and every live thread's, by name
  threads.py window PID LOG BEFORE AFTER LOADER_PID
                                             a snapshot into BEFORE when CollabLoad's LOG says "ramp-up done" and one
                                             into AFTER when it says "typing stopped" (its measured window, read within
                                             50 ms); gives up when LOADER_PID ends first or after 15 minutes
  threads.py report BEFORE AFTER ACKED       µs per acked op of the process and of each thread name between two snapshots,
                                             and how often each was switched out per acked op (a sleep or a preemption:
                                             on one CPU each is a hand-off to another thread);
                                             ACKED is a number of ops or CollabLoad's result JSON (the ops acked in its window)

Threads are grouped by name with trailing digits dropped (collab-journal-lane-0 and -1 are one line; .NET names a
thread's comm with its first 15 characters, so collab-read-model shows as collab-read-mod, and the journal writer and
its lane threads all show as collab-journal-: under steady load that line is the writer's and the lane's snapshot
saves, the lane's recoveries being idle; the snapshots list every thread by id to check). The process's figure comes
from /proc/PID/stat, which also counts threads that ended inside the window; the per-name figures count only threads
alive at both snapshots (a thread that started inside the window counts from zero).
"""
import json
import os
import re
import sys
import time

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_ticks(stat_path):
    with open(stat_path) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat, counted after the comm)


def context_switches(status_path):
    """Times the thread was switched out: it slept (voluntary: a wait, a lock, blocking I/O) or was preempted."""
    with open(status_path) as f:
        fields = dict(line.split(":", 1) for line in f if "ctxt_switches" in line)
    return int(fields["voluntary_ctxt_switches"]) + int(fields["nonvoluntary_ctxt_switches"])


def snapshot(pid):
    threads = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                name = f.read().strip()
            threads[tid] = {"name": name, "ticks": cpu_ticks(f"/proc/{pid}/task/{tid}/stat"),
                            "switches": context_switches(f"/proc/{pid}/task/{tid}/status")}
        except FileNotFoundError:
            pass  # ended while listed
    return {"process": cpu_ticks(f"/proc/{pid}/stat"), "threads": threads}


def acked_ops(acked):
    """A number of ops, or the path of CollabLoad's result JSON: the ops it saw acked in its measured window."""
    if os.path.isfile(acked):
        with open(acked) as f:
            result = json.load(f)
        return round(result["ackedOpsPerSecond"] * result["measuredSeconds"])
    return int(float(acked))


def report(before, after, acked):
    def us_per_op(ticks):
        return ticks / TICKS * 1e6 / acked

    groups, switches = {}, {}
    for tid, t in after["threads"].items():
        start = before["threads"].get(tid, {"ticks": 0, "switches": 0})
        name = re.sub(r"[-_ ]?\d+$", "", t["name"]) or t["name"]
        groups[name] = groups.get(name, 0) + t["ticks"] - start["ticks"]
        # Snapshots written before switches were counted have none: the column is left out then.
        if "switches" in t and "switches" in start:
            switches[name] = switches.get(name, 0) + t["switches"] - start["switches"]
    process = after["process"] - before["process"]
    print(f"acked ops in the window: {acked}")
    total = f"  {sum(switches.values()) / acked:5.2f} switches/op" if switches else ""
    print(f"{'process':<24} {us_per_op(process):8.1f} µs/op  ({process / TICKS:.2f} s CPU){total}")
    for name, ticks in sorted(groups.items(), key=lambda g: -g[1]):
        if ticks > 0 or switches.get(name, 0) > 0:
            switched = f"  {switches[name] / acked:5.2f} switches/op" if name in switches else ""
            print(f"  {name:<22} {us_per_op(ticks):8.1f} µs/op  ({ticks / TICKS:.2f} s CPU){switched}")


def wait_for_line(log, prefix, loader_pid, deadline):
    """True once a line of LOG starts with PREFIX; False if the loader ended first or the deadline passed."""
    while time.monotonic() < deadline:
        try:
            with open(log, errors="replace") as f:
                if any(line.startswith(prefix) for line in f):
                    return True
        except FileNotFoundError:
            pass  # the loader has not opened its log yet
        try:
            os.kill(loader_pid, 0)
        except ProcessLookupError:
            return False
        time.sleep(0.05)
    return False


def window(pid, log, before, after, loader_pid):
    deadline = time.monotonic() + 15 * 60
    for prefix, path in (("ramp-up done", before), ("typing stopped", after)):
        if not wait_for_line(log, prefix, loader_pid, deadline):
            return
        with open(path, "w") as f:
            print(json.dumps(snapshot(pid)), file=f)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "snapshot":
        print(json.dumps(snapshot(sys.argv[2])))
    elif len(sys.argv) == 7 and sys.argv[1] == "window":
        window(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6]))
    elif len(sys.argv) == 5 and sys.argv[1] == "report":
        with open(sys.argv[2]) as b, open(sys.argv[3]) as a:
            report(json.load(b), json.load(a), acked_ops(sys.argv[4]))
    else:
        sys.exit(__doc__)
