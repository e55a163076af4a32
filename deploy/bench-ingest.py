#!/usr/bin/env python3
"""Replays a sequence-per-line dataset (e.g. Beauty.txt) through POST /v1/events and prints the
acknowledged events per second (median of the per-connection rates and overall).

    deploy/bench-ingest.py DATASET URL [--batch 100] [--connections 4] [--limit N]

Each event gets a fresh UUID; a second pass with --replay-ids re-sends the ids of the first pass
(from IDS_FILE) to check that nothing is stored twice.
"""
import argparse, http.client, json, statistics, threading, time, uuid
from urllib.parse import urlparse


def events_of(path, limit):
    events = []
    with open(path) as f:
        for line in f:
            parts = line.split()
            for position, item in enumerate(parts[1:]):
                events.append({"user_id": parts[0], "item_id": item, "type": "view",
                               "timestamp": f"2020-01-01T00:{position // 60 % 60:02d}:{position % 60:02d}Z"})
                if limit and len(events) >= limit:
                    return events
    return events


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dataset"); ap.add_argument("url")
    ap.add_argument("--batch", type=int, default=100); ap.add_argument("--connections", type=int, default=4)
    ap.add_argument("--limit", type=int, default=0); ap.add_argument("--ids-file")
    ap.add_argument("--replay-ids", action="store_true")
    a = ap.parse_args()
    events = events_of(a.dataset, a.limit)
    if a.replay_ids:
        ids = open(a.ids_file).read().split()
    else:
        ids = [str(uuid.uuid4()) for _ in events]
        if a.ids_file:
            open(a.ids_file, "w").write("\n".join(ids))
    for event, event_id in zip(events, ids):
        event["event_id"] = event_id
    batches = [events[i:i + a.batch] for i in range(0, len(events), a.batch)]
    target = urlparse(a.url)
    totals = {"stored": 0, "duplicates": 0, "failed": 0}
    lock = threading.Lock()
    rates = []

    def worker(index):
        connection = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
        mine = batches[index::a.connections]
        start = time.time(); sent = 0
        for batch in mine:
            try:
                connection.request("POST", "/v1/events", json.dumps({"events": batch}), {"Content-Type": "application/json"})
                response = connection.getresponse(); body = response.read()
            except OSError:  # the server went away: count what was acknowledged so far
                with lock:
                    totals["failed"] += len(batch)
                break
            with lock:
                if response.status == 202:
                    answer = json.loads(body); totals["stored"] += answer["stored"]; totals["duplicates"] += answer["duplicates"]
                else:
                    totals["failed"] += len(batch)
            sent += len(batch)
        with lock:
            rates.append(sent / max(time.time() - start, 1e-9))

    start = time.time()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(a.connections)]
    for t in threads: t.start()
    for t in threads: t.join()
    elapsed = time.time() - start
    print(f"events {len(events)} in {len(batches)} batches of {a.batch} over {a.connections} connections: "
          f"{elapsed:.1f} s, {len(events) / elapsed:.0f} events/s acknowledged; "
          f"median per-connection {statistics.median(rates):.0f}/s; stored {totals['stored']}, "
          f"duplicates {totals['duplicates']}, failed {totals['failed']}")


if __name__ == "__main__":
    main()
