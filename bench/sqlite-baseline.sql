-- Baseline for `relctl import`: the sqlite3 CLI loads the same records.json into tables shaped
-- exactly like reld's (Sources/RelStore/Migrations.swift, v1), with the same settings reld uses
-- (WAL, synchronous=FULL), in one transaction, parsing the JSON with SQLite's json_each.
-- Run from the directory holding records.json:
--   sqlite3 base.db < bench/sqlite-baseline.sql            (rows + change log, like reld)
--   sqlite3 -cmd '.parameter set @rows_only 1' base.db < …  (records rows only)
.bail on
PRAGMA journal_mode = WAL;
PRAGMA synchronous = FULL;
CREATE TABLE IF NOT EXISTS records (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('event', 'agreement')),
    doc TEXT NOT NULL, title TEXT NOT NULL, category TEXT NOT NULL,
    date_lo TEXT, date_hi TEXT, parties TEXT NOT NULL, search TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0, created_hlc INTEGER NOT NULL, updated_hlc INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS records_by_date ON records (deleted, date_lo, id);
CREATE TABLE IF NOT EXISTS field_stamps (
    record_id TEXT NOT NULL, field TEXT NOT NULL, hlc INTEGER NOT NULL, node TEXT NOT NULL,
    PRIMARY KEY (record_id, field)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, record_id TEXT NOT NULL, field TEXT NOT NULL,
    value TEXT NOT NULL, hlc INTEGER NOT NULL, node TEXT NOT NULL, node_seq INTEGER NOT NULL,
    UNIQUE (node, node_seq)
);
CREATE INDEX IF NOT EXISTS changes_by_record ON changes (record_id);

BEGIN;
CREATE TEMP TABLE src AS SELECT CAST(readfile('records.json') AS TEXT) AS j;
INSERT INTO records (id, kind, doc, title, category, date_lo, date_hi, parties, search, deleted, created_hlc, updated_hlc)
SELECT r.value ->> '$.id', r.value ->> '$.kind', json(r.value), r.value ->> '$.title', r.value ->> '$.category',
       r.value ->> '$.date.start', coalesce(r.value ->> '$.date.end', r.value ->> '$.date.start'),
       r.value -> '$.parties',
       lower(r.value ->> '$.title' || char(10) || (r.value ->> '$.notes') || char(10)
             || coalesce(r.value ->> '$.location.name', '') || char(10)
             || coalesce(r.value ->> '$.source.title', '') || char(10) || coalesce(r.value ->> '$.source.quote', '')),
       0, 1000 + r.key, 1000 + r.key
FROM src, json_each(src.j) AS r;
-- One change row and one field stamp per field (and one for kind), as reld's insertNew writes.
INSERT INTO changes (record_id, field, value, hlc, node, node_seq)
SELECT r.value ->> '$.id', f.key,
       CASE WHEN f.type IN ('object', 'array') THEN f.value ELSE json_quote(f.value) END,
       1000 + r.key, 'baseline-node', row_number() OVER ()
FROM src, json_each(src.j) AS r, json_each(r.value) AS f
WHERE f.key <> 'id' AND coalesce(@rows_only, 0) = 0;
INSERT INTO field_stamps (record_id, field, hlc, node)
SELECT record_id, field, hlc, node FROM changes WHERE coalesce(@rows_only, 0) = 0;
COMMIT;
SELECT 'sqlite3 baseline: ' || (SELECT count(*) FROM records) || ' records, '
       || (SELECT count(*) FROM changes) || ' changes, ' || (SELECT count(*) FROM field_stamps) || ' field_stamps';
