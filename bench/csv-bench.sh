#!/usr/bin/env bash
# bench/csv-bench.sh: the CSV import rate of `relctl import --format acled` on a generated
# ACLED-shaped file, beside the sqlite3 CLI importing the same CSV into a table (`.import --csv`).
#
#   bench/csv-bench.sh [--rows N] [--bin DIR]
#
# DIR holds reld and relctl (default .build-bench/release, as bench/run-all builds it; any
# build works, a debug one is several times slower). The rows are made up (fixed seed), never
# real ACLED data. Runs reld in a temporary directory with its own state and socket, stops it
# by its pid and removes everything on exit. Needs: python3, sqlite3, /usr/bin/time.
set -euo pipefail

ROWS=100000
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$ROOT/.build-bench/release
while (($#)); do
    case "$1" in
        --rows) ROWS=$2; shift 2 ;;
        --bin) BIN=$2; shift 2 ;;
        -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "csv-bench: unknown option $1 (see --help)" >&2; exit 64 ;;
    esac
done
die() { echo "csv-bench: $*" >&2; exit 1; }
[[ -x $BIN/reld && -x $BIN/relctl ]] || die "no reld and relctl in $BIN (build them, or give --bin DIR)"
for tool in python3 sqlite3 /usr/bin/time; do command -v "$tool" >/dev/null || die "$tool is missing"; done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/reld-csvbench.XXXXXX")
RELD_PID=""
cleanup() {
    local rc=$?
    if [[ -n $RELD_PID ]] && kill -0 "$RELD_PID" 2>/dev/null; then
        kill -TERM "$RELD_PID" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$RELD_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$RELD_PID" 2>/dev/null || true
    fi
    rm -rf "$TMP"
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

python3 - "$ROWS" > "$TMP/acled.csv" <<'PY'
import csv, random, sys
n = int(sys.argv[1])
rng = random.Random(12)
header = ("event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,assoc_actor_1,"
          "inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,"
          "location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,tags,timestamp").split(",")
types = [("Battles", "Armed clash"), ("Explosions/Remote violence", "Air/drone strike"),
         ("Violence against civilians", "Attack"), ("Protests", "Peaceful protest"), ("Riots", "Mob violence"),
         ("Strategic developments", "Arrests")]
places = [("Mali", 466, "Mopti", "Sévaré"), ("Burkina Faso", 854, "Sahel", "Djibo"), ("Niger", 562, "Tillabéri", "Ayorou")]
w = csv.writer(sys.stdout, lineterminator="\r\n")
w.writerow(header)
for i in range(n):
    et, sub = rng.choice(types)
    country, iso, admin1, loc = rng.choice(places)
    day = f"2023-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    w.writerow([f"GEN{i:07d}", day, "2023", str(rng.choice([1, 1, 1, 2, 3])), "Political violence", et, sub,
                f"Armed group {rng.randint(1, 50)}", "", str(rng.randint(1, 8)), f"Armed group {rng.randint(51, 99)}", "",
                str(rng.randint(1, 8)), "12", "", str(iso), "Western Africa", country, admin1, "", "", loc,
                f"{rng.uniform(10, 20):.4f}", f"{rng.uniform(-5, 5):.4f}", str(rng.randint(1, 3)), "Generated source",
                "National", f"Generated event {i}, with a comma and \"quotes\".", str(rng.randint(0, 20)), "",
                str(1700000000 + i)])
PY
BYTES=$(stat -c %s "$TMP/acled.csv")

printf 'socket_group = "%s"\n' "$(id -gn)" > "$TMP/reld.toml"
"$BIN/reld" --config "$TMP/reld.toml" --state-dir "$TMP/state" --socket "$TMP/reld.sock" 2>>"$TMP/reld.log" &
RELD_PID=$!
for _ in $(seq 1 300); do
    "$BIN/relctl" --socket "$TMP/reld.sock" status >/dev/null 2>&1 && break
    kill -0 "$RELD_PID" 2>/dev/null || die "reld exited at start: $(cat "$TMP/reld.log")"
    sleep 0.1
done

measure() {  # measure LABEL COMMAND...: wall seconds, rows per second and peak RSS (MiB) of the command
    local label=$1
    shift
    /usr/bin/time -f '%e %M' -o "$TMP/time" "$@" >/dev/null
    read -r secs kib < "$TMP/time"
    printf '%-48s %8s s  %8.0f rows/s  peak RSS %6.1f MiB\n' "$label" "$secs" "$(python3 -c "print($ROWS / max($secs, 0.01))")" \
        "$(python3 -c "print($kib / 1024)")"
}
echo "csv-bench: $ROWS rows, $((BYTES / 1024 / 1024)) MiB of CSV; $(nproc) cores; $BIN"
reld_peak() {  # reld's peak RSS so far (MiB): the import's, as reld had just started
    awk '/^VmHWM:/ { printf "%.1f", $2 / 1024 }' "/proc/$RELD_PID/status"
}
printf '%-48s %s MiB\n' "reld RSS after start" "$(reld_peak)"
measure "relctl import --format acled (all of it)" "$BIN/relctl" --socket "$TMP/reld.sock" --quiet import --format acled "$TMP/acled.csv"
printf '%-48s %s MiB\n' "reld peak RSS during that import" "$(reld_peak)"
measure "relctl import --format acled (again: unchanged)" "$BIN/relctl" --socket "$TMP/reld.sock" --quiet import --format acled "$TMP/acled.csv"
printf '%-48s %s MiB\n' "reld peak RSS so far" "$(reld_peak)"
measure "sqlite3 .import --csv into a table" sqlite3 "$TMP/plain.db" ".import --csv $TMP/acled.csv acled"
