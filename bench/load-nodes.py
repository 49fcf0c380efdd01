#!/usr/bin/env python3
"""Simulated sync nodes against one relhub: concurrent pushes and pulls, then a stored-once check.

Usage: bench/load-nodes.py HUB_URL TOKEN_FILE [--nodes 50] [--rounds 20] [--records 5]
                           [--prefix sim] [--health] [--hub-db PATH] [--out FILE]

Each of --nodes processes (multiprocessing, so Python's GIL does not cap the clients) is one node
with its own node id, node_seq counter and hybrid logical clock (docs/sync-protocol.md, sections 2
and 8). After a common start barrier, each round it
  1. pushes one batch (POST /v1/changes): --records new events (_kind, title, category, notes:
     4 changes each) and, once it has pulled another node's record, one title edit of that record
     whose base is the title version it saw (so the hub's merge sees bases and, now and then,
     concurrent edits: conflicts);
  2. pulls (GET /v1/changes?since=CURSOR, gzip, If-None-Match with its last ETag) until `more` is
     false, moving its clock past every stamp it sees, as reld does.
Each HTTP exchange on one keep-alive connection is timed. Any answer other than 200 (or 304 on a
conditional pull), or a push whose `accepted` is not the batch size, is an error.

Afterwards the whole feed is pulled from 0 and checked: every (node, node_seq) once, and each
simulated node's changes numbered 1..n with no gap, n being what it pushed; with --hub-db, the same
check on the hub's SQLite file (read-only). --health instead sends the same number of
GET /v1/health requests from the same processes: the HTTP baseline (no token, no database write).

Prints one JSON object (also to --out): latency percentiles in ms, rates, errors, the checks.
Exit status 1 if any error or check failed.
"""
import argparse
import gzip
import http.client
import json
import multiprocessing as mp
import random
import sqlite3
import sys
import time
import urllib.parse
import uuid


def pct(values, q):
    if not values:
        return None
    s = sorted(values)
    return round(s[min(len(s) - 1, int(q * len(s)))] * 1000, 2)


def summary(values):
    return {"n": len(values), "p50_ms": pct(values, 0.50), "p90_ms": pct(values, 0.90),
            "p99_ms": pct(values, 0.99), "max_ms": round(max(values) * 1000, 2) if values else None}


class Node:
    """One simulated replica: its id, counter, clock, feed cursor and what it saw of others."""

    def __init__(self, node_id):
        self.id = node_id
        self.seq = 0
        self.hlc = 0
        self.cursor = 0
        self.etag = None
        self.titles = {}  # record_id -> newest title stamp seen [hlc, node], from other nodes

    def tick(self):
        # A hybrid logical clock: wall milliseconds << 16, always past everything seen.
        self.hlc = max(int(time.time() * 1000) << 16, self.hlc + 1)
        return self.hlc

    def change(self, record_id, field, value, bases=()):
        self.seq += 1
        return {"node": self.id, "node_seq": self.seq, "record_id": record_id, "field": field,
                "value": value, "hlc": self.tick(), "bases": [list(b) for b in bases]}

    def batch(self, rnd, records):
        out = []
        for j in range(records):
            rid = f"{self.id}-r{rnd}-{j}"
            out.append(self.change(rid, "_kind", "event"))
            out.append(self.change(rid, "title", f"Simulated event {j} of round {rnd} from {self.id}"))
            out.append(self.change(rid, "category", "diplomatic"))
            out.append(self.change(rid, "notes", "Written by bench/load-nodes.py: a note of ordinary "
                                                 "length so the change is realistic."))
        if self.titles:
            rid = random.choice(list(self.titles))
            base = self.titles.pop(rid)
            out.append(self.change(rid, "title", f"Retitled by {self.id} in round {rnd}", bases=[base]))
        return out

    def saw(self, changes):
        for c in changes:
            self.hlc = max(self.hlc, c["hlc"])
            if c["field"] == "title" and c["node"] != self.id:
                old = self.titles.get(c["record_id"])
                stamp = (c["hlc"], c["node"])
                if old is None or tuple(old) < stamp:
                    self.titles[c["record_id"]] = stamp


def connect(url):
    return http.client.HTTPConnection(url.hostname, url.port, timeout=120)


def exchange(conn, method, path, body=None, headers=None):
    """One request on a keep-alive connection; returns (status, headers, body, seconds)."""
    t0 = time.perf_counter()
    conn.request(method, path, body=body, headers=headers or {})
    resp = conn.getresponse()
    data = resp.read()
    secs = time.perf_counter() - t0
    if resp.getheader("Content-Encoding") == "gzip":
        data = gzip.decompress(data)
    return resp.status, resp, data, secs


def node_worker(args, index, node_id, token, barrier, out):
    url = urllib.parse.urlparse(args.hub)
    auth = {"Authorization": "Bearer " + token}
    node = Node(node_id)
    push_lat, pull_lat, health_lat, errors = [], [], [], []
    pulled = conflicts = 0
    conn = connect(url)
    random.seed(index)
    barrier.wait()
    start = time.perf_counter()
    try:
        for rnd in range(args.rounds):
            if args.health:
                for _ in range(2):
                    status, _, data, secs = exchange(conn, "GET", "/v1/health")
                    health_lat.append(secs)
                    if status != 200:
                        errors.append(f"health: {status} {data[:200]!r}")
                continue
            batch = node.batch(rnd, args.records)
            body = json.dumps({"changes": batch}).encode()
            status, _, data, secs = exchange(conn, "POST", "/v1/changes", body,
                                             {**auth, "Content-Type": "application/json", "Accept-Encoding": "gzip"})
            push_lat.append(secs)
            if status != 200:
                errors.append(f"push round {rnd}: {status} {data[:300]!r}")
                node.seq -= len(batch)  # not stored: the next batch reuses the numbers
            else:
                result = json.loads(data)
                conflicts += result.get("conflicts", 0)
                if result.get("accepted") != len(batch) or result.get("duplicates") != 0:
                    errors.append(f"push round {rnd}: {len(batch)} sent, answer {result}")
            while True:
                headers = {**auth, "Accept": "application/json", "Accept-Encoding": "gzip"}
                if node.etag:
                    headers["If-None-Match"] = node.etag
                status, resp, data, secs = exchange(conn, "GET", f"/v1/changes?since={node.cursor}&limit=1000",
                                                    headers=headers)
                pull_lat.append(secs)
                if status == 304:
                    break
                if status != 200:
                    errors.append(f"pull round {rnd} since {node.cursor}: {status} {data[:300]!r}")
                    break
                page = json.loads(data)
                node.saw(page["changes"])
                pulled += len(page["changes"])
                node.cursor = page["next"]
                node.etag = resp.getheader("ETag")
                if not page["more"]:
                    break
    except Exception as e:  # a broken connection or a timeout is an error, not a crash of the run
        errors.append(f"{type(e).__name__}: {e}")
    end = time.perf_counter()
    conn.close()
    out.put({"node": node_id, "pushed": node.seq, "pulled": pulled, "conflicts": conflicts,
             "push": push_lat, "pull": pull_lat, "health": health_lat, "errors": errors,
             "start": start, "end": end})


def check_feed(args, token, pushed):
    """Pulls the whole feed; every (node, node_seq) once, each node 1..n without a gap."""
    url = urllib.parse.urlparse(args.hub)
    conn = connect(url)
    seen, since, total, dups = {}, 0, 0, 0
    while True:
        status, _, data, _ = exchange(conn, "GET", f"/v1/changes?since={since}&limit=5000",
                                      headers={"Authorization": "Bearer " + token, "Accept-Encoding": "gzip"})
        if status != 200:
            return {"ok": False, "error": f"full pull: {status} {data[:200]!r}"}
        page = json.loads(data)
        for c in page["changes"]:
            seqs = seen.setdefault(c["node"], set())
            if c["node_seq"] in seqs:
                dups += 1
            seqs.add(c["node_seq"])
            total += 1
        since = page["next"]
        if not page["more"]:
            break
    conn.close()
    bad = [n for n, k in pushed.items() if seen.get(n, set()) != set(range(1, k + 1))]
    return {"ok": not bad and dups == 0, "changes_in_feed": total, "duplicates": dups,
            "nodes_with_gaps_or_extras": bad[:5]}


def check_db(path, pushed):
    """The same check on the hub's database: count = max(node_seq) = n for each simulated node."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    rows = {n: (c, m, d) for n, c, m, d in db.execute(
        "SELECT node, count(*), max(node_seq), count(DISTINCT node_seq) FROM changes GROUP BY node")}
    db.close()
    bad = [n for n, k in pushed.items() if rows.get(n) != (k, k, k)]
    return {"ok": not bad, "rows": sum(r[0] for r in rows.values()), "nodes_wrong": bad[:5]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("hub")
    ap.add_argument("token_file")
    ap.add_argument("--nodes", type=int, default=50)
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--records", type=int, default=5, help="new records per push (4 changes each)")
    ap.add_argument("--prefix", default="sim")
    ap.add_argument("--health", action="store_true", help="baseline: GET /v1/health instead")
    ap.add_argument("--hub-db", help="the hub's relhub.sqlite, for the check in SQL")
    ap.add_argument("--out")
    args = ap.parse_args()
    token = next(line.strip() for line in open(args.token_file) if line.strip() and not line.startswith("#"))
    run_id = uuid.uuid4().hex[:8]
    ids = [f"{args.prefix}-{run_id}-n{i:03d}" for i in range(args.nodes)]
    barrier = mp.Barrier(args.nodes)
    out = mp.Queue()
    procs = [mp.Process(target=node_worker, args=(args, i, ids[i], token, barrier, out)) for i in range(args.nodes)]
    for p in procs:
        p.start()
    results = [out.get(timeout=3600) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    wall = max(r["end"] for r in results) - min(r["start"] for r in results)
    errors = [f"{r['node']}: {e}" for r in results for e in r["errors"]]
    report = {"nodes": args.nodes, "rounds": args.rounds, "seconds": round(wall, 3), "errors": len(errors),
              "first_errors": errors[:5]}
    if args.health:
        lat = [x for r in results for x in r["health"]]
        report.update({"health": summary(lat), "requests_per_s": round(len(lat) / wall, 1)})
    else:
        pushed = {r["node"]: r["pushed"] for r in results}
        total = sum(pushed.values())
        pulled = sum(r["pulled"] for r in results)
        push = [x for r in results for x in r["push"]]
        pull = [x for r in results for x in r["pull"]]
        report.update({
            "push": summary(push), "pull": summary(pull),
            "changes_pushed": total, "changes_pulled": pulled,
            "conflicts_opened": sum(r["conflicts"] for r in results),
            "pushed_changes_per_s": round(total / wall, 1), "pulled_changes_per_s": round(pulled / wall, 1),
            "requests_per_s": round((len(push) + len(pull)) / wall, 1),
            "feed_check": check_feed(args, token, pushed),
        })
        if args.hub_db:
            report["db_check"] = check_db(args.hub_db, pushed)
    text = json.dumps(report)
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")
    failed = report["errors"] or not report.get("feed_check", {"ok": True})["ok"] \
        or not report.get("db_check", {"ok": True})["ok"]
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
