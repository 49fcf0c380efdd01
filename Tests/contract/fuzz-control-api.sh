#!/usr/bin/env bash
# Fuzzes the running control API from outside against docs/control-api.yaml with schemathesis:
# no 5xx, and every status, content type, header and body as the spec declares.
#
# Usage: Tests/contract/fuzz-control-api.sh BUILD_DIR [MAX_EXAMPLES]   (e.g. .build/debug 50)
#
# Starts BUILD_DIR/reld on a temporary state directory and socket (with the sample ledger
# examples/mali-russia.json imported, so reads return real records), bridges a loopback TCP port to the socket with socat
# (schemathesis speaks TCP only), and runs schemathesis with MAX_EXAMPLES (default 10) cases per
# operation. schemathesis is installed into a reusable venv ($SCHEMATHESIS_VENV, default
# /tmp/reld-schemathesis-venv) if missing, socat with apt-get. Exits 1 if schemathesis reports a
# failure or reld dies; reld and socat are always stopped by pid and the temporary dir removed.
set -uo pipefail
bin=$(cd "${1:?usage: $0 BUILD_DIR [MAX_EXAMPLES]}" && pwd)
examples=${2:-10}
root=$(cd "$(dirname "$0")/../.." && pwd)
seed="$root/examples/mali-russia.json"
venv=${SCHEMATHESIS_VENV:-/tmp/reld-schemathesis-venv}

if [ ! -x "$venv/bin/schemathesis" ]; then
    python3 -m venv "$venv" && "$venv/bin/pip" install --quiet --disable-pip-version-check schemathesis \
        || { echo "cannot install schemathesis into $venv" >&2; exit 2; }
fi
if ! command -v socat > /dev/null; then
    apt-get install -y socat > /dev/null || { echo "cannot install socat" >&2; exit 2; }
fi

tmp=$(mktemp -d /tmp/reld-stfuzz.XXXXXX)
reld_pid="" socat_pid=""
cleanup() {
    [ -n "$socat_pid" ] && kill "$socat_pid" 2> /dev/null
    [ -n "$reld_pid" ] && kill -9 "$reld_pid" 2> /dev/null
    wait 2> /dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT

sock="$tmp/reld.sock"
printf 'socket_group = ""\n' > "$tmp/reld.toml"  # defaults otherwise; no /etc/reld or ~/.config file is read
"$bin/reld" --config "$tmp/reld.toml" --state-dir "$tmp/state" --socket "$sock" --log-level warning \
    < /dev/null > "$tmp/reld.log" 2>&1 &
reld_pid=$!
for _ in $(seq 300); do
    curl -sf --unix-socket "$sock" http://localhost/v1/status > /dev/null && break
    kill -0 "$reld_pid" 2> /dev/null || { echo "reld exited:"; cat "$tmp/reld.log"; exit 1; }
    sleep 0.1
done
curl -sf --unix-socket "$sock" -X POST --data-binary @"$seed" http://localhost/v1/import > /dev/null \
    || { echo "importing the seed records failed" >&2; exit 1; }

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
socat "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr,fork" "UNIX-CONNECT:$sock" &
socat_pid=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/v1/status" > /dev/null && break; sleep 0.1; done

# schemathesis cannot model CodesRules (codes members that must agree: an allOf of many anyOf
# cases), so it refuses to generate bodies for POST /v1/records and /v1/import. It fuzzes a copy
# of the spec without that rule on input codes: bodies that break it get 422, which those
# operations declare, and every response is still checked against the unchanged schemas.
"$venv/bin/python" - "$root/docs/control-api.yaml" "$tmp/control-api.yaml" <<'PY' || exit 2
import sys, yaml
spec = yaml.safe_load(open(sys.argv[1]))
codes = spec["components"]["schemas"]["CodesInput"]
codes["allOf"] = [s for s in codes.get("allOf", []) if s.get("$ref") != "#/components/schemas/CodesRules"]
if not codes["allOf"]:
    del codes["allOf"]
yaml.safe_dump(spec, open(sys.argv[2], "w"), sort_keys=False, allow_unicode=True)
PY

# Checks of what reld answers: no 5xx, and status, content type, headers and body as declared.
# The checks of which inputs it accepts (negative_data_rejection, positive_data_acceptance) are
# not run here. schemathesis runs in $tmp, where it keeps its .schemathesis cache.
(cd "$tmp" && "$venv/bin/schemathesis" run "$tmp/control-api.yaml" --url "http://127.0.0.1:$port" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
    --max-examples "$examples" --workers 1 --seed 1 --request-timeout 30 --warnings off --output-truncate false)
rc=$?

if ! kill -0 "$reld_pid" 2> /dev/null; then
    echo "reld died during the run; its log:" >&2
    tail -50 "$tmp/reld.log" >&2
    exit 1
fi
kill -TERM "$reld_pid"
wait "$reld_pid"
reld_rc=$?
reld_pid=""
[ "$reld_rc" -eq 0 ] || { echo "reld exited with status $reld_rc on SIGTERM" >&2; rc=1; }
if grep -qiE 'fatal|crash|internal' "$tmp/reld.log"; then
    echo "reld logged:" >&2
    grep -iE 'fatal|crash|internal' "$tmp/reld.log" | head -20 >&2
fi
exit $(( rc != 0 ))
