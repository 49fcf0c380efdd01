#!/usr/bin/env python3
"""Storage floor for add-event: N single-record write transactions, no HTTP, no daemon.

Usage: bench/sqlite-txn-rate.py DB N

Uses Python's sqlite3 module on reld's schema (bench/sqlite-baseline.sql creates the tables) with
reld's settings (WAL, synchronous=FULL). Each transaction does what reld's create does for one
event: look the id up, insert the records row, then one `changes` row and one `winners` row
per field (14 for an event), then COMMIT (one fsync of the WAL). Prints one JSON line.
"""
import json
import os
import sqlite3
import sys
import time

db_path, n = sys.argv[1], int(sys.argv[2])
schema = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "sqlite-baseline.sql")).read()
ddl = schema[schema.index("CREATE TABLE IF NOT EXISTS records"):schema.index("BEGIN;")]

con = sqlite3.connect(db_path, isolation_level=None)
con.execute("PRAGMA journal_mode = WAL")
con.execute("PRAGMA synchronous = FULL")
con.executescript(ddl)

FIELDS = ["kind", "title", "category", "tags", "date", "parties", "actors", "location", "claim_status",
          "codes", "source", "notes", "related_ids", "fatalities"]
doc = {"kind": "event", "title": "Benchmark delegation visits Bamako", "category": "diplomatic",
       "tags": ["visit", "bench"],
       "date": {"type": "instant", "start": "2023-02-07", "end": None, "precision": "day", "approximate": False},
       "parties": ["ML", "RU"], "actors": [{"name": "Russia", "type": "state", "role": "source", "country": "RU"}],
       "location": {"name": "Bamako", "country": "ML", "admin1": None, "latitude": None, "longitude": None,
                    "geo_precision": None},
       "claim_status": "reported", "codes": {}, "source": None, "notes": "x" * 150, "related_ids": [],
       "fatalities": None}
seq = con.execute("SELECT coalesce(max(node_seq), 0) FROM changes").fetchone()[0]
start = time.perf_counter()
for i in range(n):
    rid = f"txn-{i}"
    hlc = 10_000 + i
    con.execute("BEGIN IMMEDIATE")
    con.execute("SELECT id FROM records WHERE id = ?", (rid,)).fetchone()
    for f in FIELDS:
        seq += 1
        cur = con.execute("INSERT INTO changes (record_id, field, value, hlc, node, node_seq) VALUES (?,?,?,?,?,?)",
                          (rid, f, json.dumps(doc[f]), hlc, "txn-node", seq))
        con.execute("INSERT INTO winners (record_id, field, seq) VALUES (?,?,?) "
                    "ON CONFLICT (record_id, field) DO UPDATE SET seq = excluded.seq",
                    (rid, f, cur.lastrowid))
    con.execute("INSERT INTO records (id, kind, doc, title, category, date_lo, date_hi, parties, deleted, "
                "created_hlc, updated_hlc) VALUES (?,?,?,?,?,?,?,?,0,?,?)",
                (rid, "event", json.dumps(doc), doc["title"], doc["category"], "2023-02-07", "2023-02-07",
                 '["ML","RU"]', hlc, hlc))
    con.execute("COMMIT")
secs = time.perf_counter() - start
print(json.dumps({"transactions": n, "seconds": round(secs, 3), "rate_per_s": round(n / secs, 1)}))
