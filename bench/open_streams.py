#!/usr/bin/env python3
"""Opens N concurrent streaming chat requests and reports the RSS of some processes meanwhile.

Each connection sends one `"stream": true` chat request and keeps reading (and discarding) the
SSE body. Once every stream has received its response header and first body bytes, the script
waits --settle seconds, sums VmRSS over --pid (repeatable), asks mock-llm how many streams it is
serving, prints one JSON line and closes every connection.

    open_streams.py --port 8080 --key sk-... --model mock-slow --count 1000 --pid 1234 \
        --mock-port 9090
"""

import argparse
import asyncio
import json
import sys
import time
import urllib.request


def rss_kib(pids):
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total


def mock_stats(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_mock/stats", timeout=5) as r:
            return json.load(r)
    except OSError:
        return {}


async def open_one(args, body, opened, failures, gate, writers):
    async with gate:
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection("127.0.0.1", args.port), args.timeout)
        except (OSError, asyncio.TimeoutError) as e:
            failures.append(f"connect: {e!r}")
            return
        writers.append(writer)
        head = (
            f"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:{args.port}\r\n"
            f"Authorization: Bearer {args.key}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        writer.write(head + body)
        try:
            await writer.drain()
            header = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), args.timeout)
            if not header.startswith(b"HTTP/1.1 200"):
                failures.append(header.split(b"\r\n", 1)[0].decode(errors="replace"))
                return
            # The first chunk of SSE: the stream is flowing end to end.
            first = await asyncio.wait_for(reader.read(65536), args.timeout)
            if not first:
                failures.append("stream closed before its first chunk")
                return
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError) as e:
            failures.append(f"open: {e!r}")
            return
    opened.append(1)
    try:
        while await reader.read(65536):
            pass
    except (OSError, asyncio.CancelledError):
        pass


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--key", default="sk-bench")
    p.add_argument("--model", required=True)
    p.add_argument("--count", type=int, default=1000)
    p.add_argument("--pid", type=int, action="append", default=[])
    p.add_argument("--mock-port", type=int)
    p.add_argument("--parallel-opens", type=int, default=64)
    p.add_argument("--timeout", type=float, default=30.0)
    p.add_argument("--settle", type=float, default=2.0)
    args = p.parse_args()

    body = json.dumps({
        "model": args.model,
        "stream": True,
        "messages": [{"role": "user", "content": "Stream for a long while, please."}],
    }).encode()
    rss_before = rss_kib(args.pid)
    opened, failures, writers = [], [], []
    gate = asyncio.Semaphore(args.parallel_opens)
    started = time.monotonic()
    tasks = [asyncio.create_task(open_one(args, body, opened, failures, gate, writers))
             for _ in range(args.count)]
    deadline = started + args.timeout * 4
    while len(opened) + len(failures) < args.count and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    open_seconds = time.monotonic() - started
    await asyncio.sleep(args.settle)
    rss_open = rss_kib(args.pid)
    stats = mock_stats(args.mock_port) if args.mock_port else {}
    connections_open = sum(1 for t in tasks if not t.done())
    for w in writers:
        w.close()
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    print(json.dumps({
        "requested": args.count,
        "opened": len(opened),
        "connections_open": connections_open,
        "failures": len(failures),
        "first_failure": failures[0] if failures else None,
        "open_seconds": round(open_seconds, 2),
        "rss_before_kib": rss_before,
        "rss_open_kib": rss_open,
        "mock_active_streams": stats.get("active_streams"),
    }))
    return 0 if len(opened) == args.count else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
