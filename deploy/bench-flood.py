#!/usr/bin/env python3
"""Flood benchmark: does a replica's memory stay under its budgets when every event names a new user?

Starts nothing itself. Given a running `novarec serve` (its URL and process id), posts N events
(default 1,000,000), each for a new random user id (uuid4) and an item drawn from a fixed catalogue
(`flood-item-0` ... `flood-item-{items-1}`), in batches of 500 over 4 keep-alive connections, while
sampling the server's resident memory (VmRSS in /proc/PID/status). Prints RSS before, the maximum
during and after, the throughput, and the budget lines of /metrics (users in memory against
--history-users, counted items against --popularity-items).

    novarec serve --data-dir DIR --port 8099 --retrain-events 0 --history-users 100000 --log-level notice &
    deploy/bench-flood.py --url http://127.0.0.1:8099 --pid $! [--events 1000000] [--items 10000]
"""

import argparse
import http.client
import json
import random
import re
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid

BATCH = 500
CONNECTIONS = 4
BUDGET_LINES = re.compile(
    r"^novarec_(known_users|history_users_budget|history_store_reads_total\S*|popularity_items|popularity_items_budget|catalogue_items) ",
)


def rss_mb(pid):
    """The process's resident set size in MB (VmRSS)."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


class Sampler(threading.Thread):
    """Samples RSS every 50 ms until stopped; keeps the maximum."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.maximum, self.done = pid, 0.0, threading.Event()

    def run(self):
        while not self.done.is_set():
            self.maximum = max(self.maximum, rss_mb(self.pid))
            time.sleep(0.05)


def batch_body(count, items, rng, start_second):
    events = []
    for index in range(count):
        second = start_second + index
        events.append({
            "event_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "user_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "item_id": f"flood-item-{rng.randrange(items)}",
            "type": "view",
            "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(1_700_000_000 + second % 10_000_000)),
        })
    return json.dumps({"events": events})


def post_batches(url, batches, items, seed, errors):
    """One connection's share: `batches` batches, kept alive (reopened when the server closes it)."""
    target = urllib.parse.urlsplit(url)
    rng = random.Random(seed)
    connection = None
    for number in range(batches):
        body = batch_body(BATCH, items, rng, (seed * batches + number) * BATCH)
        for _attempt in range(3):
            try:
                connection = connection or http.client.HTTPConnection(target.hostname, target.port, timeout=60)
                connection.request("POST", "/v1/events", body, {"Content-Type": "application/json"})
                response = connection.getresponse()
                response.read()
                if response.status != 202:
                    errors.append(f"HTTP {response.status}")
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
                    connection = None
                break
            except (OSError, http.client.HTTPException) as error:
                connection = None
                errors.append(str(error))


def budget_lines(url):
    with urllib.request.urlopen(url + "/metrics", timeout=30) as response:
        text = response.read().decode()
    return [line for line in text.splitlines() if BUDGET_LINES.match(line)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="the server, e.g. http://127.0.0.1:8099")
    parser.add_argument("--pid", type=int, required=True, help="the server's process id (for its RSS)")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--items", type=int, default=10_000, help="size of the fixed item catalogue")
    parser.add_argument("--settle", type=float, default=2.0, help="seconds to wait before the final RSS")
    options = parser.parse_args()
    url = options.url.rstrip("/")

    before = rss_mb(options.pid)
    print(f"RSS before: {before:.0f} MB")
    for line in budget_lines(url):
        print("  " + line)
    sampler = Sampler(options.pid)
    sampler.start()
    batches = max(options.events // BATCH // CONNECTIONS, 1)
    errors = []
    started = time.monotonic()
    workers = [threading.Thread(target=post_batches, args=(url, batches, options.items, seed, errors)) for seed in range(CONNECTIONS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - started
    sampler.done.set()
    sampler.join()
    time.sleep(options.settle)
    after = rss_mb(options.pid)
    posted = batches * CONNECTIONS * BATCH
    print(f"posted {posted:,} events over {posted:,} new users in {elapsed:.1f} s: {posted / elapsed:,.0f} events/s"
          f" ({len(errors)} errors{': ' + errors[0] if errors else ''})")
    print(f"RSS max during: {max(sampler.maximum, after):.0f} MB; after: {after:.0f} MB")
    for line in budget_lines(url):
        print("  " + line)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
