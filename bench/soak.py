#!/usr/bin/env python3
"""Soak test driver (standard library only): mixed reads, builds and uploads against a running
Orquestra server at a steady rate, for a bounded time, on loopback only.

Reports the server's RSS at the start, every minute and at the end, and the count of responses
per status class. Exits 1 if any 5xx (or connection error) was seen.

Usage: soak.py BASE_URL TOKEN PROJECT_ID PID IDL_FILE [SECONDS] [RATE]
"""
import json
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter

base, token, project, pid, idl_file = sys.argv[1:6]
seconds = float(sys.argv[6]) if len(sys.argv) > 6 else 600
rate = float(sys.argv[7]) if len(sys.argv) > 7 else 100
if not base.startswith("http://127.") and not base.startswith("http://localhost"):
    sys.exit("soak.py only targets loopback")

idl = json.load(open(idl_file))
statuses = Counter()
lock = threading.Lock()
WALLET = "7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU"
BLOCKHASH = "4uQeVj5tqViQh7yWWGStvkEG1Zmhx6uasJtWCJziofM"


def rss_kib():
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def call(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            r.read()
            code = r.status
    except urllib.error.HTTPError as e:
        e.read()
        code = e.code
    except Exception:  # connection refused/reset: as bad as a 5xx
        code = 599
    with lock:
        statuses[f"{code // 100}xx" if code != 599 else "connection errors"] += 1
    return code


instructions = [i["name"] for i in json.load(urllib.request.urlopen(f"{base}/api/{project}/instructions"))["instructions"]]
examples = {}
for name in instructions[:10]:
    detail = json.load(urllib.request.urlopen(f"{base}/api/{project}/instructions/{name}"))
    request = detail["instruction"]["exampleRequest"]
    request["recentBlockhash"] = BLOCKHASH
    examples[name] = request
reads = ["instructions", "accounts", "types", "errors", "events", "docs", "docs?format=md", "openapi.json", "idl", "pda"]


def one(n):
    """Request number n of a fixed mix: 70% reads, 20% builds, 10% uploads."""
    kind = n % 10
    if kind < 7:
        if n % 7 == 0:
            return call("GET", f"/project/{project}/llms.txt")
        if n % 11 == 0:
            name = instructions[n % len(instructions)]
            return call("GET", f"/api/{project}/instructions/{name}")
        return call("GET", f"/api/{project}/{reads[n % len(reads)]}")
    if kind < 9:
        name = list(examples)[n % len(examples)]
        return call("POST", f"/api/{project}/instructions/{name}/build", examples[name])
    changed = json.loads(json.dumps(idl))
    meta = changed.get("metadata") if isinstance(changed.get("metadata"), dict) else changed
    meta["version"] = f"soak.{n}"
    return call("PUT", f"/api/idl/{project}", {"idl": changed})


start = time.monotonic()
samples = [(0, rss_kib())]
print(f"RSS at start: {samples[0][1] / 1024:.1f} MiB", flush=True)
next_sample = 60
n = 0
threads = []
while True:
    elapsed = time.monotonic() - start
    if elapsed >= seconds:
        break
    due = int(elapsed * rate)
    while n < due:
        t = threading.Thread(target=one, args=(n,), daemon=True)
        t.start()
        threads.append(t)
        n += 1
    threads = [t for t in threads if t.is_alive()]
    if len(threads) > 256:  # the server is not keeping up: do not pile on
        time.sleep(0.05)
    if elapsed >= next_sample:
        samples.append((int(elapsed), rss_kib()))
        print(f"RSS at {int(elapsed)} s: {samples[-1][1] / 1024:.1f} MiB, {n} requests", flush=True)
        next_sample += 60
    time.sleep(0.005)
for t in threads:
    t.join(timeout=35)
end_rss = rss_kib()
print(f"RSS at end: {end_rss / 1024:.1f} MiB (start {samples[0][1] / 1024:.1f} MiB)")
print(f"requests: {n} in {time.monotonic() - start:.0f} s")
for k in sorted(statuses):
    print(f"  {k}: {statuses[k]}")
bad = statuses["5xx"] + statuses["connection errors"]
print(f"{n - bad} passed, {bad} failed" if bad else "no 5xx, no connection errors")
sys.exit(1 if bad else 0)
