#!/usr/bin/env python3
"""Sizing: the resident memory of `novarec serve` on a generated shop (README, *Operate*).

    swift build -c release
    python3 deploy/measure-rss.py --users 20000 --items 5000 [--dir /tmp/novarec-size]

Generates the shop, imports it into an embedded cluster, trains a model for at most a minute
(`novarec train --max-minutes 1`), serves it (release binary, no scheduled training) and reads
VmRSS from /proc/PID/status: right after start-up, after one recommendation for every user
(each user's candidates cached, --candidate-cache-users 50000 by default), and the peak (VmHWM)
across an in-server training run of at most a minute. Prints one JSON line."""
import argparse
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOVAREC = [str(ROOT / "deploy" / "novarec")]


def rss_kib(pid, field="VmRSS"):
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(rf"^{field}:\s+(\d+) kB", status, re.M).group(1))


def get(conn, path, method="GET", body=None):
    headers = {"Content-Type": "application/json"} if body is not None else {}
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    return response.status, response.read()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=20000)
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--dir", help="work directory (default: a fresh temporary one, removed afterwards)")
    args = parser.parse_args()
    work = Path(args.dir or tempfile.mkdtemp(prefix="novarec-size-"))
    work.mkdir(parents=True, exist_ok=True)
    os.chmod(work, 0o755)  # the embedded cluster runs as user postgres when we are root
    shop, state = work / "shop", work / "state"
    run = lambda *a: subprocess.run(NOVAREC + list(a), check=True, stdout=subprocess.DEVNULL)
    run("generate", "--out", str(shop), "--users", str(args.users), "--items", str(args.items))
    run("import", "--dataset", str(shop), "--data-dir", str(state))
    run("train", "--dataset", str(shop), "--out", str(state / "model.safetensors"), "--max-minutes", "1")

    log = open(work / "serve.log", "w+")
    server = subprocess.Popen(NOVAREC + ["serve", "--data-dir", str(state), "--port", "0", "--retrain-events", "0", "--log-level", "notice"],
                              stderr=log, stdout=log)
    try:
        port = None
        for _ in range(600):
            log.seek(0)
            match = re.search(r"listening on http://127\.0\.0\.1:(\d+)", log.read())
            if match:
                port = int(match.group(1))
                break
            if server.poll() is not None:
                sys.exit(f"serve exited: see {work / 'serve.log'}")
            time.sleep(0.5)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        assert get(conn, "/readyz")[0] == 200, "no model loaded"
        time.sleep(2)
        figures = {"users": args.users, "items": args.items, "rss_started_mib": rss_kib(server.pid) / 1024}
        with open(shop / "events.tsv") as events:
            next(events)  # the header line
            users = sorted({line.split("\t", 1)[0] for line in events})
        for user in users:
            status, _ = get(conn, f"/v1/recommendations?user_id={user}&k=10&novelty=0.5")
            assert status == 200, status
        figures["rss_after_every_user_mib"] = rss_kib(server.pid) / 1024
        figures["distinct_users"] = len(users)
        status, _ = get(conn, "/v1/admin/train", "POST", json.dumps({"max_minutes": 1}))
        assert status == 202, status
        deadline = time.time() + 600
        while time.time() < deadline:
            time.sleep(2)
            status, body = get(conn, "/v1/admin/train")
            if json.loads(body).get("state") not in ("queued", "running"):
                break
        figures["rss_peak_with_training_mib"] = rss_kib(server.pid, "VmHWM") / 1024
        figures["rss_after_training_mib"] = rss_kib(server.pid) / 1024
        print(json.dumps({k: round(v, 1) if isinstance(v, float) else v for k, v in figures.items()}))
    finally:
        server.terminate()
        server.wait(timeout=60)
        if not args.dir:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
