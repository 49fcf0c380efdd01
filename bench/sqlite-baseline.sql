-- Baseline for `relctl import`: the sqlite3 CLI loads the same records.json into tables shaped
-- like reld's (Sources/RelStore/Migrations*.swift as of v9, search index aside), with the settings reld uses
-- (WAL, synchronous=FULL), in one transaction, parsing the JSON with SQLite's json_each.
-- Run from the directory holding records.json:
--   sqlite3 base.db < bench/sqlite-baseline.sql            (rows + change log, like reld)
--   sqlite3 -cmd '.parameter set @rows_only 1' base.db < …  (records rows only)
.bail on
PRAGMA journal_mode = WAL;
PRAGMA synchronous = FULL;
CREATE TABLE IF NOT EXISTS records (
    rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('event', 'agreement')),
    doc TEXT NOT NULL, title TEXT NOT NULL, category TEXT NOT NULL,
    date_lo TEXT, date_hi TEXT, parties TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0, created_hlc INTEGER NOT NULL, updated_hlc INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS records_by_date ON records (deleted, date_lo, id);
CREATE INDEX IF NOT EXISTS records_by_kind ON records (deleted, kind);
CREATE TABLE IF NOT EXISTS winners (
    record_id TEXT NOT NULL, field TEXT NOT NULL, seq INTEGER NOT NULL,
    PRIMARY KEY (record_id, field)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, record_id TEXT NOT NULL, field TEXT NOT NULL,
    value TEXT NOT NULL, hlc INTEGER NOT NULL, node TEXT NOT NULL, node_seq INTEGER NOT NULL,
    bases TEXT NOT NULL DEFAULT '[]',
    UNIQUE (node, node_seq)
);
CREATE INDEX IF NOT EXISTS changes_by_record ON changes (record_id);

BEGIN;
CREATE TEMP TABLE src AS SELECT CAST(readfile('records.json') AS TEXT) AS j;
INSERT INTO records (id, kind, doc, title, category, date_lo, date_hi, parties, deleted, created_hlc, updated_hlc)
SELECT r.value ->> '$.id', r.value ->> '$.kind', json(r.value), r.value ->> '$.title', r.value ->> '$.category',
       r.value ->> '$.date.start', coalesce(r.value ->> '$.date.end', r.value ->> '$.date.start'),
       r.value -> '$.parties',
       0, 1000 + r.key, 1000 + r.key
FROM src, json_each(src.j) AS r;
-- One change row and one winner per field (and one for kind), as reld's insertNew writes.
INSERT INTO changes (record_id, field, value, hlc, node, node_seq)
SELECT r.value ->> '$.id', f.key,
       CASE WHEN f.type IN ('object', 'array') THEN f.value ELSE json_quote(f.value) END,
       1000 + r.key, 'baseline-node', row_number() OVER ()
FROM src, json_each(src.j) AS r, json_each(r.value) AS f
WHERE f.key <> 'id' AND coalesce(@rows_only, 0) = 0;
INSERT INTO winners (record_id, field, seq)
SELECT record_id, field, seq FROM changes WHERE coalesce(@rows_only, 0) = 0;
COMMIT;
SELECT 'sqlite3 baseline: ' || (SELECT count(*) FROM records) || ' records, '
       || (SELECT count(*) FROM changes) || ' changes, ' || (SELECT count(*) FROM winners) || ' winners';
