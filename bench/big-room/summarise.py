"""Formats CollabLoad result files (JSON) for bench/big-room.sh: a sweep table row, or a one-line summary."""
import json
import sys


def load(path):
    with open(path) as f:
        return json.load(f)


def row(path, typists, cpu):
    r = load(path)
    ack, delivery = r["ackLatency"], r["deliveryLatency"]
    converged = r["convergence"]["editorsChecked"] if r["convergence"]["converged"] else "NO"
    return (f"| {r['editors']} | {typists} | {r['ackedOpsPerSecond']:.0f} | {r['remoteDeliveries'] / r['measuredSeconds']:,.0f} "
            f"| {ack['p50Ms']:.0f} / {ack['p99Ms']:.0f} | {delivery['p50Ms']:.0f} / {delivery['p95Ms']:.0f} / "
            f"{delivery['p99Ms']:.0f} / {delivery['maxMs']:.0f} | {cpu} | {converged} |")


def room(path):
    r = load(path)
    ack, delivery = r["ackLatency"], r["deliveryLatency"]
    rss = (r.get("serverRssBytesAtEnd") or 0) / 1048576
    return (f"Big room: {r['editors']} editors ({r['connectedEditors']} connected), acked {r['ackedOpsPerSecond']:.0f} ops/s, "
            f"{r['remoteDeliveries'] / r['measuredSeconds']:,.0f} deliveries/s; ack p50/p99 {ack['p50Ms']:.0f}/{ack['p99Ms']:.0f} ms; "
            f"delivery p50/p95/p99/max {delivery['p50Ms']:.0f}/{delivery['p95Ms']:.0f}/{delivery['p99Ms']:.0f}/{delivery['maxMs']:.0f} ms; "
            f"errors {r['errors']}; converged {r['convergence']['converged']} ({r['convergence']['editorsChecked']} checked); "
            f"server RSS at end {rss:.0f} MiB")


def quiet(path, where):
    r = load(path)
    ack, delivery = r["ackLatency"], r["deliveryLatency"]
    return (f"Quiet document {where}: ack p50/p99 {ack['p50Ms']:.1f}/{ack['p99Ms']:.1f} ms, "
            f"delivery p99 {delivery['p99Ms']:.1f} ms, errors {r['errors']}, converged {r['convergence']['converged']}")


def p99(path):
    return str(load(path)["deliveryLatency"]["p99Ms"])


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    print({"row": row, "room": room, "quiet": quiet, "p99": p99}[command](*args))
