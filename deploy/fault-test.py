#!/usr/bin/env python3
"""Fault test: PostgreSQL goes away for 20 s under load and comes back.

Starts a throwaway PostgreSQL cluster and `novarec serve --database-url` on it, runs a steady
read load (4 threads of GET /v1/recommendations) and a writer (POST /v1/events, one new event at
a time), stops PostgreSQL for OUTAGE seconds and starts it again. Checks, and prints:
  - reads failed during the whole run (must be 0),
  - writes during the outage: every one 503 with Retry-After,
  - /readyz during the outage reports write: false,
  - seconds from PostgreSQL's return to the first stored write (must be <= 10),
  - acknowledged events == events in PostgreSQL.
Exit status 0 when every check holds. Usage: deploy/fault-test.py [--outage 20] [--binary PATH]
"""
import argparse, http.client, json, os, pwd, shutil, socket, subprocess, sys, tempfile, threading, time, uuid

parser = argparse.ArgumentParser()
parser.add_argument("--outage", type=float, default=20)
parser.add_argument("--binary", default=None)
args = parser.parse_args()
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
binary = args.binary or os.path.join(subprocess.check_output(["swift", "build", "--show-bin-path"], cwd=root, text=True).strip(), "novarec")
pg_bin = sorted((d for d in os.listdir("/usr/lib/postgresql") if d.isdigit()), key=int)[-1]
pg_bin = f"/usr/lib/postgresql/{pg_bin}/bin"
as_postgres = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

work = tempfile.mkdtemp(prefix="novarec-fault-")
os.chmod(work, 0o755)
pgdata, sockdir, pgport, port = f"{work}/pgdata", f"{work}/sock", free_port(), free_port()
os.makedirs(sockdir)
if os.getuid() == 0:
    pw = pwd.getpwnam("postgres")
    for path in (work, sockdir):
        os.chown(path, pw.pw_uid, pw.pw_gid)

def pg(*arguments, check=True):
    return subprocess.run(as_postgres + [f"{pg_bin}/{arguments[0]}", *arguments[1:]], check=check, capture_output=True, text=True)

def pg_start():
    pg("pg_ctl", "-D", pgdata, "-l", f"{work}/pg.log", "-o", f"-k {sockdir} -p {pgport} -h ''", "-w", "start")

def psql(sql):
    return pg("psql", "-h", sockdir, "-p", str(pgport), "-U", "postgres", "-d", "novarec", "-tAc", sql).stdout.strip()

pg("initdb", "-D", pgdata, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")
pg_start()
pg("createdb", "-h", sockdir, "-p", str(pgport), "-U", "postgres", "novarec")
url = f"host={sockdir} port={pgport} user=postgres dbname=novarec"
log = open(f"{work}/serve.log", "w")
server = subprocess.Popen([binary, "serve", "--database-url", url, "--data-dir", f"{work}/data", "--port", str(port),
                           "--retrain-events", "0", "--log-level", "notice"], stdout=log, stderr=subprocess.STDOUT)

def request(connection, method, path, body=None):
    headers = {"Content-Type": "application/json"} if body is not None else {}
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    return response.status, response.getheader("Retry-After"), response.read()

for _ in range(300):
    try:
        if request(http.client.HTTPConnection("127.0.0.1", port, timeout=2), "GET", "/healthz")[0] == 200:
            break
    except OSError:
        time.sleep(0.1)
else:
    sys.exit("novarec serve did not start; see " + log.name)

phase = {"name": "before"}
stop = threading.Event()
reads = {"ok": 0, "failed": 0, "failures": []}
writes = []  # (phase, time, status, retry_after, event_id)
readiness = []
lock = threading.Lock()

def reader(index):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    n = 0
    while not stop.is_set():
        n += 1
        try:
            status, _, _ = request(connection, "GET", f"/v1/recommendations?user_id=reader{index}-{n % 50}&k=10")
        except OSError as error:
            status = repr(error)
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        with lock:
            if status == 200:
                reads["ok"] += 1
            else:
                reads["failed"] += 1
                reads["failures"].append((phase["name"], status))

def writer():
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    n = 0
    while not stop.is_set():
        n += 1
        event_id = str(uuid.uuid4())
        sent_in = phase["name"]  # judged by when it was sent: one sent before the stop may still commit
        body = json.dumps({"events": [{"event_id": event_id, "user_id": f"writer{n % 97}", "item_id": f"item{n % 31}", "type": "view"}]})
        try:
            status, retry, _ = request(connection, "POST", "/v1/events", body)
        except OSError as error:
            status, retry = repr(error), None
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        writes.append((sent_in if sent_in == phase["name"] else "between", time.monotonic(), status, retry, event_id))
        time.sleep(0.05)

def probe():
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    while not stop.is_set():
        status, _, body = request(connection, "GET", "/readyz")
        try:
            readiness.append((phase["name"], status, json.loads(body).get("write")))
        except ValueError:
            readiness.append((phase["name"], status, None))
        time.sleep(0.5)

threads = [threading.Thread(target=reader, args=(i,)) for i in range(4)] + [threading.Thread(target=writer), threading.Thread(target=probe)]
for thread in threads:
    thread.start()
failures = []
try:
    time.sleep(5)
    phase["name"] = "stopping"  # requests in flight while PostgreSQL stops are not judged
    pg("pg_ctl", "-D", pgdata, "-m", "fast", "-w", "stop")
    phase["name"] = "outage"
    outage_start = time.monotonic()
    time.sleep(args.outage)
    phase["name"] = "stopping-outage"  # writes sent while PostgreSQL starts are not judged
    pg_start()
    back = time.monotonic()
    phase["name"] = "after"
    time.sleep(12)
finally:
    stop.set()
    for thread in threads:
        thread.join()

outage_writes = [w for w in writes if w[0] == "outage"]
bad_outage = [w for w in outage_writes if not (w[2] == 503 and w[3])]
first_ok = next((w[1] for w in writes if w[0] == "after" and w[2] == 202), None)
recovery = None if first_ok is None else first_ok - back
acked = {w[4] for w in writes if w[2] == 202}
stored_count = int(psql("SELECT count(*) FROM events"))
stored_ids = set(psql("SELECT event_id FROM events").split())
outage_ready = [r for r in readiness if r[0] == "outage"]
server.send_signal(2)
try:
    exit_code = server.wait(timeout=30)
except subprocess.TimeoutExpired:
    server.kill()
    exit_code = "killed after 30 s"

print(f"reads: {reads['ok']} ok, {reads['failed']} failed {reads['failures'][:5]}")
print(f"writes: {len(writes)} in all; during the {args.outage:.0f} s outage {len(outage_writes)}, of which not 503+Retry-After: {len(bad_outage)} {bad_outage[:3]}")
print(f"/readyz during the outage: {len(outage_ready)} probes, write=false in {sum(1 for r in outage_ready if r[2] is False)}, status {sorted({r[1] for r in outage_ready})}")
print(f"first stored write {recovery:.2f} s after PostgreSQL was back" if recovery is not None else "no write succeeded after PostgreSQL came back")
# A write whose commit raced PostgreSQL's stop or start may be stored although its client got an
# error (the commit's outcome is unknown to the server; the client retries with the same event_id,
# which the store deduplicates). Any other stored-but-unacknowledged write is a bug.
unknown_outcome = {w[4] for w in writes if w[0] in ("stopping", "stopping-outage", "between") and w[2] != 202}
unexplained = stored_ids - acked - unknown_outcome
print(f"acknowledged events: {len(acked)}; events in PostgreSQL: {stored_count}; acknowledged but missing: {len(acked - stored_ids)}; stored but not acknowledged: {len(stored_ids - acked)} (sent while PostgreSQL stopped or started, outcome unknown to the client: {len((stored_ids - acked) & unknown_outcome)})")
for w in writes:
    if w[4] in stored_ids - acked:
        print(f"  stored, not acknowledged: sent in {w[0]}, answered {w[2]}")
print(f"novarec serve exit status on SIGINT: {exit_code}")
if reads["failed"]: failures.append("reads failed")
if bad_outage or not outage_writes: failures.append("outage writes not all 503 with Retry-After")
if not outage_ready or any(r[2] is not False for r in outage_ready[2:]): failures.append("/readyz did not report write: false")
if recovery is None or recovery > 10: failures.append("writes did not recover within 10 s")
if acked - stored_ids: failures.append("acknowledged events missing from PostgreSQL")
if unexplained: failures.append("events stored although their write was refused outside a PostgreSQL stop or start")
if exit_code != 0: failures.append("serve did not exit 0")
pg("pg_ctl", "-D", pgdata, "-m", "immediate", "stop", check=False)
if failures:
    print("FAILED: " + "; ".join(failures) + f" (logs in {work})")
    sys.exit(1)
shutil.rmtree(work, ignore_errors=True)
print("fault test passed")
