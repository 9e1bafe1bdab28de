#!/usr/bin/env python3
"""Where a server's CPU goes: reads `perf script` output (cpu-clock samples with call stacks, .NET frames named through
the runtime's perf map) and sorts every sample into one part of an op's path, printing a markdown table.

A sample belongs to the first part whose pattern matches a frame, walking from the leaf (the code on the CPU) towards
the thread's root; so a helper (a dictionary lookup, a memcpy) counts for the part that called it. Samples whose leaf is
inside the runtime's native code (libcoreclr: GC, allocation helpers, casts, stubs; libclrjit: the JIT) count as
"runtime native" whoever called them: the runtime's library carries no symbols, so GC cannot be told from the rest.

  perf script -i perf.data | bench/profile/categorize.py --us-per-op 245.0
"""
import re
import sys
from collections import Counter

# (part, pattern) in the order they are tried on each frame; the first frame from the leaf that matches any wins.
PARTS = [
    ("journal write (SQLite / PostgreSQL, Akka.Persistence)", r"Persistence|Sqlite|sqlite3|e_sqlite3|linq2db|Npgsql|JournalWriter|pwrite|fsync|fdatasync|ext4|jbd2"),
    ("socket send", r"tcp_sendmsg|sock_sendmsg|__sys_sendto|sock_write_iter|SendAsync|SocketWriter|WriteBatchAsync|HeartbeatStream.*Write|Cork"),
    ("socket receive", r"tcp_recvmsg|sock_recvmsg|__sys_recvfrom|sock_read_iter|ReceiveAsync|WebSocketReceiveLoop|HeartbeatStream.*Read"),
    ("socket readiness (epoll, I/O completion)", r"epoll|SocketAsyncEngine|SocketAsyncContext"),
    ("decode (JSON / MessagePack to messages)", r"CollabActors\.Protocol\.\S*(Decode|Reader|Read)|Utf8JsonReader|MessagePackReader"),
    ("encode (messages to frames)", r"ServerMessageJsonWriter|PreparedMessage|Encode|Utf8JsonWriter|MessagePackWriter|MessagePackSerializer"),
    ("OT transform and apply (CollabText, DocumentState)", r"CollabText|DocumentState"),
    ("connection session, admission, presence", r"CollabActors\.Connections|CollabActors\.Security|CollabActors\.Presence"),
    ("document actor and node fan-out", r"CollabActors\.Documents|CollabActors\.Fanout"),
    ("cluster messaging (remoting, serializer)", r"Akka\.Remote|DotNetty|CollabActors\.Serialization"),
    ("actor runtime (mailboxes, dispatch, timers)", r"Akka\."),
    ("thread pool and wake-ups (futex, scheduler)", r"futex|schedule|sched_yield|ThreadPool|LowLevelLifoSemaphore|WorkerThread|Monitor\.|SpinWait"),
    ("ASP.NET Core / Kestrel", r"Kestrel|AspNetCore"),
    ("metrics", r"Prometheus|Metrics"),
]
RUNTIME_NATIVE = "runtime native (GC, allocation helpers, casts, stubs, JIT)"
FALLBACK = [
    ("other kernel", r"kernel\.kallsyms|\[kernel"),
    ("other .NET", r"System\.|Microsoft\.|\.dll|perf-\d+\.map"),
]
compiled = [(name, re.compile(p)) for name, p in PARTS]
fallback = [(name, re.compile(p)) for name, p in FALLBACK]
runtime_native = re.compile(r"libcoreclr\.so|libclrjit\.so")


def classify(frames):
    if frames and runtime_native.search(frames[0]):
        return RUNTIME_NATIVE
    for frame in frames:
        for name, pattern in compiled:
            if pattern.search(frame):
                return name
    for frame in frames:
        for name, pattern in fallback:
            if pattern.search(frame):
                return name
    return "other"


def samples(lines):
    stack = []
    for line in lines:
        line = line.rstrip("\n")
        if not line.strip():
            if stack:
                yield stack
            stack = []
        elif line.startswith("\t") or line.startswith(" "):
            stack.append(line.strip())
        # a header line starts a sample; its frames follow
    if stack:
        yield stack


def main():
    us_per_op = None
    if "--us-per-op" in sys.argv:
        us_per_op = float(sys.argv[sys.argv.index("--us-per-op") + 1])
    counts = Counter(classify(s) for s in samples(sys.stdin))
    total = sum(counts.values())
    if total == 0:
        sys.exit("no samples read")
    print(f"{total:,} samples")
    print()
    print("| part of the path | share of server CPU |" + (" µs per acked op |" if us_per_op else ""))
    print("|---|---|" + ("---|" if us_per_op else ""))
    for name, n in counts.most_common():
        share = n / total
        print(f"| {name} | {100 * share:.1f} % |" + (f" {share * us_per_op:.1f} |" if us_per_op else ""))


if __name__ == "__main__":
    main()
