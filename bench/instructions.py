#!/usr/bin/env python3
"""User-space instructions per unit of work, Sluice next to nginx, counted by valgrind's callgrind.

Timing on a small shared machine moves by 15 % between runs of the same build; an instruction
count moves by about 1 %. It is
the measure to compare two builds of Sluice by, and it shows how much user-space work each proxy
does for the same job. It leaves
out the kernel (system calls, the TCP stack, scheduling), which is more than half of either
proxy's CPU time here (see bench/README.md), so it is not a measure of speed.

Each proxy runs alone under callgrind, one event loop / one worker (nginx: `master_process off`),
in front of the same demo upstream (not under callgrind). For Sluice only the event loop's work
is counted (`--toggle-collect` on its run loop): the manifest watcher's thread wakes every 5 s
for a safety rescan, which would land in whichever workload it fell in. For each workload the counters are
zeroed after a warm-up, the workload runs, and the counters are dumped:
  fresh      N fresh connections, each `GET /bench/sse?events=1` until its one event: per connection
  keepalive  N `GET /bench/small` on one keep-alive connection: per request
  events     a stream of E1 events, then one of E2, 20 ms apart: the difference per event (stream
             set-up cancels out)
  tunnel     a WebSocket (`/ws`, the demo upstream's echo) carrying E1 messages, then one carrying
             E2, 20 ms apart: the difference per message, halved (each crosses the tunnel twice)

With `--phases`, it instead splits a fresh connection's count at the proxy's system calls
(`--dump-before` of `epoll_wait`, `write` and `writev`) and prints one row per phase of the
connection's cycle: the wake-up that accepts it (with the previous connection's close, since the
connections follow one another), the request turn (to the request's write upstream), the rest
of that wake-up, the response turn (to the write to the client), and the rest. The phases up to
the write to the client are the first event's critical path.

With `--idle-streams N`, N event streams that stay silent are open throughout (opened before the
warm-up), as on a proxy holding many idle SSE connections: what a connection costs should not
grow with them.

Needs valgrind (apt-get install valgrind) and binutils' strip (valgrind cannot read the DWARF 5
debug information of a Swift build, so it runs a copy without it). Python 3 standard library only.
"""

import argparse
import asyncio
import glob
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


class Counted:
    """A proxy process under callgrind: zero, run a workload, dump, read the count."""

    def __init__(self, target, out):
        self.target = target
        self.out = out

    def count(self, workload):
        pid = self.target.process.pid
        subprocess.run(["callgrind_control", "--zero", str(pid)], check=True, capture_output=True)
        workload()
        before = set(glob.glob(self.out + ".*"))
        subprocess.run(["callgrind_control", "--dump", str(pid)], check=True, capture_output=True)
        dumps = set(glob.glob(self.out + ".*")) - before
        if not dumps:
            raise RuntimeError("callgrind wrote no dump")
        with open(max(dumps, key=lambda path: int(path.rsplit(".", 1)[1]))) as dump:
            for line in dump:
                if line.startswith("summary:"):
                    return int(line.split()[1])
        raise RuntimeError("callgrind dump without a summary line")



def keepalive_requests(port, count):
    request = b"GET /bench/small HTTP/1.1\r\nHost: bench\r\n\r\n"
    with socket.create_connection((bench.HOST, port)) as connection:
        pending = b""
        for _ in range(count):
            connection.sendall(request)
            while True:
                end = pending.find(b"\r\n\r\n")
                if end >= 0:
                    head = pending[:end].lower()
                    at = head.find(b"content-length:")
                    length = int(head[at + 15:].split(b"\r\n")[0]) if at >= 0 else 0
                    if len(pending) >= end + 4 + length:
                        pending = pending[end + 4 + length:]
                        break
                received = connection.recv(65536)
                if not received:
                    raise RuntimeError("connection closed mid-response")
                pending += received


def event_stream(port, events):
    # One stream, events 20 ms apart: each event is read alone, as a sparse stream's are. With
    # several streams, how many events one wake-up handles varies from run to run (the proxy
    # runs about 50 times slower under callgrind), and so does the count per event.
    asyncio.run(bench.event_latencies(port, 1, events, 20))


WEBSOCKET_UPGRADE = (b"GET /ws HTTP/1.1\r\nHost: bench\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")


def websocket_echoes(port, messages):
    """One WebSocket to the demo upstream's echo: `messages` text frames of 100 bytes, 20 ms
    apart, each sent once the previous echo came back (so each is read alone)."""
    async def run():
        reader, writer = await asyncio.open_connection(bench.HOST, port)
        writer.write(WEBSOCKET_UPGRADE)
        head = await reader.readuntil(b"\r\n\r\n")
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise RuntimeError(f"no WebSocket upgrade: {head[:80]!r}")
        payload, mask = b"x" * 100, b"\x01\x02\x03\x04"
        frame = bytes([0x81, 0x80 | len(payload)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        for _ in range(messages):
            writer.write(frame)
            await writer.drain()
            header = await reader.readexactly(2)
            await reader.readexactly(header[1] & 0x7F)
            await asyncio.sleep(0.02)
        writer.close()
        await writer.wait_closed()
    asyncio.run(run())


def hold_idle_streams(port, count):
    """Opens `count` silent event streams on a thread of their own and keeps them open (until the
    proxy goes away); returns once all of them have their response head."""
    opened = threading.Event()

    async def run():
        _, all_started = await bench.open_streams(port, count, interval_ms=3_600_000)
        await asyncio.wait_for(all_started, timeout=900)
        opened.set()
        await asyncio.sleep(24 * 3600)

    threading.Thread(target=lambda: asyncio.run(run()), daemon=True).start()
    deadline = time.time() + 900
    while not opened.wait(1):
        if time.time() > deadline:
            raise RuntimeError(f"{count} idle streams did not open")


def measure(counted, args):
    port = counted.target.port
    if args.idle_streams:
        hold_idle_streams(port, args.idle_streams)
    bench.fresh_connections(port, 20)
    keepalive_requests(port, 50)
    event_stream(port, 5)
    fresh = counted.count(lambda: bench.fresh_connections(port, args.connections)) / args.connections
    keepalive = counted.count(lambda: keepalive_requests(port, args.requests)) / args.requests
    few = counted.count(lambda: event_stream(port, args.events_low))
    many = counted.count(lambda: event_stream(port, args.events_high))
    per_event = (many - few) / (args.events_high - args.events_low)
    websocket_echoes(port, 5)
    few = counted.count(lambda: websocket_echoes(port, args.events_low))
    many = counted.count(lambda: websocket_echoes(port, args.events_high))
    # Each message crosses the tunnel twice: to the upstream and back as its echo.
    per_message = (many - few) / (args.events_high - args.events_low) / 2
    return {"fresh": fresh, "keepalive": keepalive, "events": per_event, "tunnel": per_message}


PHASE_TRIGGERS = ("epoll_wait", "write", "writev")


def callgrind_launcher(name, out, dump_before=()):
    """The valgrind command a proxy (`name`: nginx or sluice) runs under, writing its counts to
    `out`.N; a dump before each call named in `dump_before`."""
    launcher = ("valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", f"--log-file={out}.log")
    launcher += tuple(f"--dump-before={call}" for call in dump_before)
    if name == "sluice":
        # Only what runs on the event loops: the manifest watcher's idle rescan (every 5 s, on
        # its own thread) would otherwise land in whichever workload it falls in.
        launcher += ("--toggle-collect=$s8NIOPosix19SelectableEventLoopC3runyyKF",)
    return launcher


def stripped_copy(sluice, directory):
    """A copy of the sluice binary without debug information, for valgrind (it cannot read the
    DWARF 5 of a Swift build)."""
    copy = os.path.join(directory, "sluice")
    subprocess.run(["strip", "--strip-debug", "-o", copy, sluice], check=True)
    return copy


def phases(target, out, connections):
    """Per phase of a fresh connection's cycle: (the call it starts after, the call it ends
    before, median instructions). The proxy runs with a callgrind dump before each of
    PHASE_TRIGGERS; a dump holds what ran since the one before."""
    port = target.port
    bench.fresh_connections(port, 30)
    time.sleep(1)
    before = set(glob.glob(out + ".*"))
    bench.fresh_connections(port, connections)
    time.sleep(1)
    dumps = sorted(set(glob.glob(out + ".*")) - before - {out + ".log"}, key=lambda path: int(path.rsplit(".", 1)[1]))
    cycle = []
    for path in dumps:
        trigger, cost = None, None
        with open(path) as dump:
            for line in dump:
                if line.startswith("desc: Trigger: --dump-before="):
                    trigger = line.strip().rsplit("=", 1)[1]
                elif line.startswith("summary:"):
                    cost = int(line.split()[1])
        # Other threads' calls dump nothing new (only the event loop is counted).
        if trigger and cost:
            cycle.append((trigger, cost))
    # Each cycle starts with the wake-up that accepts: a phase ending at `epoll_wait` right after
    # another that ends there (the previous connection's tail). What comes before the first such
    # start and after the last complete cycle is left out.
    starts = [index for index in range(1, len(cycle))
              if cycle[index][0] == "epoll_wait" and cycle[index - 1][0] == "epoll_wait"]
    gaps = [later - earlier for earlier, later in zip(starts, starts[1:])]
    if len(gaps) < connections // 2:
        raise RuntimeError(f"no repeating cycle in {len(cycle)} phases of {connections} connections")
    length = max(set(gaps), key=gaps.count)
    complete = [first for first, gap in zip(starts, gaps) if gap == length]
    rows = []
    for position in range(length):
        costs = sorted(cycle[first + position][1] for first in complete)
        previous, trigger = cycle[complete[0] + position - 1][0], cycle[complete[0] + position][0]
        rows.append((previous, trigger, costs[len(costs) // 2]))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    bench.add_proxy_arguments(parser, os.path.join(HERE, "..", ".build", "release", "sluice"))
    parser.add_argument("--connections", type=int, default=500)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--events-low", type=int, default=50)
    parser.add_argument("--events-high", type=int, default=250)
    parser.add_argument("--idle-streams", type=int, default=0,
                        help="silent event streams held open during every count")
    parser.add_argument("--phases", action="store_true",
                        help="split a fresh connection's count at the proxy's system calls (see above)")
    args = parser.parse_args()
    if args.idle_streams:
        _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 20000), hard))
    for tool in ("valgrind", "callgrind_control", "strip"):
        if shutil.which(tool) is None:
            sys.exit(f"instructions.py needs {tool}: apt-get install -y valgrind binutils")
    workdir = tempfile.mkdtemp(prefix="sluice-bench-instructions-")
    os.chmod(workdir, 0o755)
    sluice = stripped_copy(args.sluice, workdir)
    upstream = bench.Upstream(args.sluice, args.upstream_port)
    results = {}
    try:
        for name in args.targets.split(","):
            out = os.path.join(workdir, f"{name}.callgrind")
            launcher = callgrind_launcher(name, out, PHASE_TRIGGERS if args.phases else ())
            bench.log(f"{name}: under callgrind")
            if name == "nginx":
                target = bench.Nginx(args.nginx, args.port, args.upstream_port, 1, "10s", launcher=launcher,
                                     global_directives="daemon off; master_process off;", ready_timeout=120)
            else:
                target = bench.Sluice(sluice, args.port, args.admin_port, args.upstream_port, launcher=launcher,
                                      ready_timeout=120, extra_arguments=("--event-loops", "1"))
            try:
                results[name] = phases(target, out, 20) if args.phases else measure(Counted(target, out), args)
            finally:
                target.stop()
    finally:
        upstream.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    if args.phases:
        for name, rows in results.items():
            print(f"| {name}: phase of a fresh connection (until the call) | user-space instructions |")
            print("|---|---|")
            for previous, trigger, cost in rows:
                print(f"| after `{previous}`, until `{trigger}` | {cost / 1000:,.1f}k |")
            print(f"| the whole cycle | {sum(row[2] for row in rows) / 1000:,.1f}k |")
            print()
        return
    rows = [
        ("fresh", f"per fresh connection (GET an event stream of one event; {args.connections} connections"
                  + (f", {args.idle_streams:,} idle streams open)" if args.idle_streams else ")")),
        ("keepalive", f"per keep-alive request (GET /bench/small; {args.requests} requests)"),
        ("events", f"per relayed SSE event (one stream, {args.events_high} - {args.events_low} events)"),
        ("tunnel", f"per WebSocket message relayed one way (echoed, {args.events_high} - {args.events_low} messages)"),
    ]
    names = list(results)
    print("| user-space instructions | " + " | ".join(names) + (" | sluice / nginx |" if len(names) == 2 else " |"))
    print("|---|" + "---|" * (len(names) + (1 if len(names) == 2 else 0)))
    for key, label in rows:
        cells = [f"{results[name][key] / 1000:,.1f}k" for name in names]
        if names == ["nginx", "sluice"]:
            cells.append(f"{results['sluice'][key] / results['nginx'][key]:.1f}×")
        print(f"| {label} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
