#!/usr/bin/env python3
"""What the generic validators cannot see: the deploy recipes agree with the service and with
each other. Every metric a dashboard panel or an alert queries is one the service exports
(named in README and defined in Sources); every NOVAREC_* variable set anywhere is one that
`novarec serve` reads; every stop timeout leaves room above the shutdown grace; probes, users
and file systems are what README's *Operate* promises. Prints one line per rule, exits 1 on any
failure. Needs PyYAML (kubernetes-validate brings it)."""
import json
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
failures = []


def check(rule, ok, detail=""):
    print(f"{'ok  ' if ok else 'FAIL'} {rule}{'' if ok else ': ' + detail}")
    if not ok:
        failures.append(rule)


def text(path):
    return (ROOT / path).read_text()


# --- metrics ---------------------------------------------------------------------------------
README = text("README.md")
SOURCES = "\n".join(p.read_text() for p in (ROOT / "Sources").rglob("*.swift"))
# Series that come from Prometheus itself (`up`) or the blackbox exporter (`probe_success`).
EXTERNAL = {"up", "probe_success"}


def metric_names(expr):
    """Metric names in a PromQL expression: ours by prefix, plus the external ones."""
    expr = re.sub(r'"[^"]*"', '""', expr)  # label values are not names
    names = set(re.findall(r"\b(?:novarec|http)_[a-z_]+\b", expr))
    names |= {t for t in re.findall(r"\b[a-z_]+\b(?=\s*\{)", expr) if t in EXTERNAL}
    return {re.sub(r"_(bucket|sum|count)$", "", n) for n in names}


def exported(name):
    if name in EXTERNAL:
        return True
    # novarec_* are literal names in ServiceMetrics; http_* are built as "\(prefix)_…".
    defined = f'"{name}"' in SOURCES or (name.startswith("http_") and f'"\\(prefix)_{name[5:]}"' in SOURCES)
    return defined and name in README


dashboard = json.loads(text("deploy/monitoring/grafana-dashboard.json"))
queries = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
check("dashboard: every panel has a query", all(p.get("targets") for p in dashboard["panels"]))
alerts = yaml.safe_load(text("deploy/monitoring/alerts.yml"))
queries += [r["expr"] for g in alerts["groups"] for r in g["rules"]]
used = set().union(*map(metric_names, queries))
unknown = sorted(n for n in used if not exported(n))
check(f"dashboard + alerts: {len(used)} metric names, all exported by the service and named in README", not unknown, ", ".join(unknown))

# --- NOVAREC_* variables -----------------------------------------------------------------------
options = re.search(r"serveOptions = \[(.*?)\]", SOURCES, re.S).group(1)
known = {"NOVAREC_" + o.upper().replace("-", "_") for o in re.findall(r'"([a-z-]+)"', options)}
known |= {"NOVAREC_API_KEYS", "NOVAREC_READ_KEYS", "NOVAREC_ADMIN_KEYS"}  # keys themselves (APIKeys.Sources)
recipes = ["deploy/Dockerfile", "deploy/compose.yaml", "deploy/systemd/novarec.service", "deploy/systemd/novarec.env.example",
           "deploy/k8s/configmap.yaml", "deploy/k8s/secret.yaml", "deploy/k8s/deployment.yaml"]
set_vars = {v for r in recipes for v in re.findall(r"\bNOVAREC_[A-Z_]+\b", text(r))}
check(f"recipes: {len(set_vars)} NOVAREC_* variables, all read by novarec serve", set_vars <= known, ", ".join(sorted(set_vars - known)))

# --- shutdown: every supervisor waits longer than the server's grace --------------------------
configmap = yaml.safe_load(text("deploy/k8s/configmap.yaml"))["data"]
grace = float(configmap["NOVAREC_SHUTDOWN_GRACE"])
check("serve's default --shutdown-grace is the one the recipes assume", "var shutdownGrace = %g" % grace in SOURCES)
unit = text("deploy/systemd/novarec.service")
stop = float(re.search(r"^TimeoutStopSec=(\d+)", unit, re.M).group(1))
check(f"systemd: TimeoutStopSec {stop:g} s > grace {grace:g} s", stop > grace)
compose = yaml.safe_load(text("deploy/compose.yaml"))
replicas = {n: s for n, s in compose["services"].items() if "DATABASE_URL" in s.get("environment", {})}
check("compose: two replicas with DATABASE_URL", len(replicas) == 2, str(list(replicas)))
check("compose: stop_grace_period above the grace",
      all(float(s["stop_grace_period"].rstrip("s")) > grace for s in replicas.values()))
deployment = yaml.safe_load(text("deploy/k8s/deployment.yaml"))
pod = deployment["spec"]["template"]["spec"]
container = pod["containers"][0]
pre_stop = float(container["lifecycle"]["preStop"]["exec"]["command"][-1])
check(f"k8s: terminationGracePeriodSeconds {pod['terminationGracePeriodSeconds']} > preStop {pre_stop:g} + grace {grace:g}",
      pod["terminationGracePeriodSeconds"] > pre_stop + grace)

# --- what README promises of each recipe --------------------------------------------------------
for directive in ["User=novarec", "ProtectSystem=strict", "ReadWritePaths=/var/lib/novarec", "NoNewPrivileges=true", "PrivateTmp=true",
                  "Restart=on-failure", "KillSignal=SIGTERM", "EnvironmentFile=/etc/novarec/novarec.env"]:
    check(f"systemd: {directive}", re.search(rf"^{re.escape(directive)}$", unit, re.M) is not None)
dockerfile = text("deploy/Dockerfile")
for rule, pattern in [("HEALTHCHECK on /healthz", r"HEALTHCHECK[^\n]*\n[^\n]*/healthz"), ("EXPOSE 8080", r"^EXPOSE 8080$"),
                      ("non-root USER", r"^USER (?!root|0\b)"), ("serves on 0.0.0.0", r"NOVAREC_HOST=0\.0\.0\.0"),
                      ("runtime is bookworm-slim", r"^FROM debian:bookworm-slim$")]:
    check(f"Dockerfile: {rule}", re.search(pattern, dockerfile, re.M) is not None)
check("k8s: 2 replicas", deployment["spec"]["replicas"] == 2)
check("k8s: readiness /readyz, liveness /healthz",
      container["readinessProbe"]["httpGet"]["path"] == "/readyz" and container["livenessProbe"]["httpGet"]["path"] == "/healthz")
check("k8s: non-root, read-only root file system",
      pod["securityContext"]["runAsNonRoot"] and container["securityContext"]["readOnlyRootFilesystem"])
mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
data_volume = mounts.get(configmap["NOVAREC_DATA_DIR"])
check("k8s: the data dir is an emptyDir",
      any(v["name"] == data_volume and "emptyDir" in v for v in pod["volumes"]))
check("k8s: resources set", {"requests", "limits"} <= set(container.get("resources", {})))

print(f"consistency: {len(failures)} failed")
sys.exit(1 if failures else 0)
