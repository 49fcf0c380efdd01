#!/usr/bin/env python3
"""Full-text search over N generated records: latency beside the sqlite3 CLI, and what the
index costs an import.

Usage: bench/search-bench.py BUILD_DIR [--records N] [--repeats R] [--out DIR]
       (e.g. bench/search-bench.py .build/release --records 100000)

1. Generates N records (bench/gen-records.py, deterministic) and imports them into a fresh reld
   (POST /v1/import of the file, timed), with the search index, as every store has it.
2. For each query below, R times: `GET /v1/search` on one keep-alive connection (reld's time),
   `relctl --json search` (a process per call, what a person waits for), and the sqlite3 CLI
   running the same FTS5 query on the same file (a process per call). p50/p99 of each, in ms.
3. The same import into a store whose index was made a table that keeps nothing, its triggers
   dropped, before the import (the cost of keeping the index current), and both database sizes.

reld runs on a mktemp directory of its own (state dir, socket), stopped by its pid (SIGTERM);
the directory is removed unless --out is given. Prints one JSON object of every figure.
Needs: python3, sqlite3.
"""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "Tests", "contract"))
from unixhttp import UnixHTTPConnection  # noqa: E402

# What the FTS5 query of each user query is (SearchExpression writes every word quoted and
# every AND out), so the sqlite3 CLI runs exactly what reld runs.
QUERIES = [
    ("wagner", '"wagner"'),
    ("wagn*", '"wagn"*'),
    ('"africa corps"', '"africa corps"'),
    ("bamako AND uranium", '"bamako" AND "uranium"'),
    ("(gold OR lithium) NOT sanctions", '( "gold" OR "lithium" ) NOT "sanctions"'),
    ("title:visit", 'title:"visit"'),
]
WEIGHTS = "10.0, 1.0, 4.0, 3.0, 3.0, 2.0, 1.0"
SQL = ("SELECT records.doc, records.deleted, bm25(records_fts, {w}) AS rank, "
       "snippet(records_fts, -1, '[', ']', '...', 12) FROM records_fts CROSS JOIN records ON records.rid = records_fts.rowid "
       "WHERE records_fts MATCH '{q}' AND records.deleted = 0 ORDER BY rank, records.id LIMIT 100; "
       "SELECT count(*) FROM records_fts CROSS JOIN records ON records.rid = records_fts.rowid "
       "WHERE records_fts MATCH '{q}' AND records.deleted = 0;")


def percentile(values, p):
    values = sorted(values)
    return round(values[min(len(values) - 1, int(len(values) * p / 100))] * 1000, 2)


def summary(values):
    return {"p50_ms": percentile(values, 50), "p99_ms": percentile(values, 99), "n": len(values)}


STARTED = []


class Reld:
    def __init__(self, build, state, sock):
        STARTED.append(self)
        self.sock = sock
        self.proc = subprocess.Popen([os.path.join(build, "reld"), "--state-dir", state, "--socket", sock],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                s = socket.socket(socket.AF_UNIX)
                s.connect(sock)
                s.close()
                return
            except OSError:
                if self.proc.poll() is not None:
                    raise SystemExit("reld exited at start")
                time.sleep(0.05)
        raise SystemExit("reld did not open its socket")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=600)


def timed_import(conn, body):
    t0 = time.perf_counter()
    conn.request("POST", "/v1/import", body=body, headers={"Content-Type": "application/json"})
    resp = conn.getresponse()
    resp.read()
    if resp.status != 200:
        raise SystemExit(f"import answered {resp.status}")
    return time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--repeats", type=int, default=50)
    ap.add_argument("--out")
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    work = args.out or tempfile.mkdtemp(prefix="reld-search-bench-")
    os.makedirs(work, exist_ok=True)
    result = {"records": args.records, "repeats": args.repeats}
    try:
        records = os.path.join(work, "records.json")
        subprocess.run([sys.executable, os.path.join(HERE, "gen-records.py"), str(args.records), records], check=True)
        with open(records, "rb") as f:
            body = f.read()

        # Without the index: the schema made by reld, then the triggers dropped and the index
        # replaced by a table that keeps nothing (an import indexes its new rows in one statement
        # at its end, which then writes nothing), then the import.
        bare = os.path.join(work, "bare")
        reld = Reld(build, bare, os.path.join(work, "b.sock"))
        reld.stop()
        subprocess.run(["sqlite3", os.path.join(bare, "reld.sqlite"),
                        "DROP TRIGGER records_fts_insert; DROP TRIGGER records_fts_update; DROP TRIGGER records_fts_delete;"
                        "DROP TABLE records_fts;"
                        "CREATE TABLE records_fts (title, notes, tags, actors, parties, place, source);"
                        "CREATE TRIGGER records_fts_nothing BEFORE INSERT ON records_fts BEGIN SELECT RAISE(IGNORE); END;"],
                       check=True)
        reld = Reld(build, bare, os.path.join(work, "b.sock"))
        result["import_without_index_s"] = round(timed_import(UnixHTTPConnection(reld.sock, timeout=3600), body), 2)
        reld.stop()

        state = os.path.join(work, "state")
        reld = Reld(build, state, os.path.join(work, "s.sock"))
        conn = UnixHTTPConnection(reld.sock, timeout=3600)
        result["import_with_index_s"] = round(timed_import(conn, body), 2)
        result["index_import_cost_pct"] = round(
            100 * (result["import_with_index_s"] / result["import_without_index_s"] - 1), 1)

        per_query = {}
        for typed, fts in QUERIES:
            api, cli, lite = [], [], []
            total = None
            path = "/v1/search?" + urllib.parse.urlencode({"q": typed, "limit": 100}, quote_via=urllib.parse.quote)
            for _ in range(args.repeats):
                t0 = time.perf_counter()
                conn.request("GET", path)
                resp = conn.getresponse()
                data = resp.read()
                api.append(time.perf_counter() - t0)
                total = json.loads(data)["total"]
                t0 = time.perf_counter()
                subprocess.run([os.path.join(build, "relctl"), "--socket", reld.sock, "--json", "search", typed],
                               check=True, stdout=subprocess.DEVNULL)
                cli.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                subprocess.run(["sqlite3", os.path.join(state, "reld.sqlite"), SQL.format(w=WEIGHTS, q=fts.replace("'", "''"))],
                               check=True, stdout=subprocess.DEVNULL)
                lite.append(time.perf_counter() - t0)
            per_query[typed] = {"matches": total, "api": summary(api), "relctl": summary(cli), "sqlite3_cli": summary(lite)}
        result["queries"] = per_query
        reld.stop()
        for name, d in [("db_bytes_with_index", state), ("db_bytes_without_index", bare)]:
            result[name] = sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d) if f.startswith("reld.sqlite"))
        print(json.dumps(result, indent=1))
    finally:
        for r in STARTED:
            if r.proc.poll() is None:
                r.stop()
        if not args.out:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
