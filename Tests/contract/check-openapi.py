#!/usr/bin/env python3
"""Contract test: the real reld against docs/control-api.yaml.

Usage: python3 Tests/contract/check-openapi.py BUILD_DIR      (e.g. .build/debug)

Validates the spec itself, starts BUILD_DIR/reld on a temporary state directory and socket,
calls every route over the Unix socket, and checks each answer's status, headers and body
against the responses the spec declares for that operation. Also checks the behaviour the
spec describes (defaults, filters, sort orders, limits, error members). That reld has no feed;
a second one then follows the first one's snapshot, published by a web server on loopback in
this process, for the answers of the sync routes with a feed.

Prints one `ok - ...` / `not ok - ...` line per check, then `N passed, M failed`; exits 1
if any check failed. Each reld is always stopped (by pid), the web server shut down and the
temporary directory removed.
"""

import copy
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SPEC_PATH = os.path.join(ROOT, "docs", "control-api.yaml")
SEED_PATH = os.path.join(ROOT, "examples", "mali-russia.json")


def import_validators():
    try:
        import jsonschema  # noqa: F401
        import openapi_schema_validator  # noqa: F401
        import openapi_spec_validator  # noqa: F401
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        "jsonschema", "openapi-spec-validator", "openapi-schema-validator"], check=True)


import_validators()
from openapi_schema_validator import OAS30Validator, oas30_format_checker  # noqa: E402
from openapi_spec_validator import validate as validate_spec  # noqa: E402
from openapi_spec_validator.readers import read_from_filename  # noqa: E402

# ---------------------------------------------------------------------------- reporting

passed = 0
failed = 0


def check(ok, what, detail=""):
    """Records one check; returns `ok`."""
    global passed, failed
    if ok:
        passed += 1
        print(f"ok - {what}")
    else:
        failed += 1
        print(f"not ok - {what}")
        for line in str(detail).splitlines()[:12]:
            print(f"#   {line}")
    sys.stdout.flush()
    return ok


# ---------------------------------------------------------------------------- the spec

SPEC, _ = read_from_filename(SPEC_PATH)
COMPONENTS = SPEC.get("components", {})


def resolve(node):
    while isinstance(node, dict) and "$ref" in node:
        target = SPEC
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def schema_errors(schema, instance):
    """Errors of `instance` against an OpenAPI 3.0 schema (with the spec's components)."""
    validator = OAS30Validator({"components": COMPONENTS, **schema}, format_checker=oas30_format_checker)
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
    return ["/".join(map(str, e.absolute_path)) + ": " + e.message[:300] for e in errors]


def spec_media():
    """(where, media type object) of every JSON body the spec describes."""
    for path, item in SPEC["paths"].items():
        for method, op in item.items():
            if not isinstance(op, dict) or "responses" not in op:
                continue
            body = resolve(op.get("requestBody")) if op.get("requestBody") else None
            if body and "application/json" in body.get("content", {}):
                yield f"{op.get('operationId', method)} request", body["content"]["application/json"]
            for code, response in op["responses"].items():
                if "$ref" in response:
                    continue  # shared responses are checked once below
                media = (response.get("content") or {}).get("application/json")
                if media:
                    yield f"{op.get('operationId', method)} {code}", media
    for name, response in COMPONENTS.get("responses", {}).items():
        media = (response.get("content") or {}).get("application/json")
        if media:
            yield f"responses/{name}", media


def schema_of(name):
    return {"$ref": f"#/components/schemas/{name}"}


TEMPLATES = [(re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(p)) + "$"), p) for p in SPEC["paths"]]


def template_for(path):
    for rx, template in TEMPLATES:
        if rx.match(path):
            return template
    return None


def spec_methods(template):
    return sorted(m.upper() for m in SPEC["paths"][template] if m in
                  ("get", "put", "post", "delete", "patch", "head", "options", "trace"))


# ---------------------------------------------------------------------------- HTTP over the socket

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from unixhttp import UnixHTTPConnection  # noqa: E402


class Answer:
    def __init__(self, method, path, status, headers, raw):
        self.method, self.path, self.status, self.headers, self.raw = method, path, status, headers, raw
        self.json, self.json_error = None, None
        if raw:
            try:
                self.json = json.loads(raw.decode("utf-8"))
            except (ValueError, UnicodeDecodeError) as e:
                self.json_error = str(e)

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None


SOCKET = None


def call(method, path, body=None, raw_body=None):
    """One request on a fresh connection. `body` is JSON-encoded; `raw_body` is sent as is."""
    data = raw_body if raw_body is not None else (None if body is None else json.dumps(body).encode())
    conn = UnixHTTPConnection(SOCKET)
    try:
        headers = {"Content-Type": "application/json"} if data is not None else {}
        try:
            conn.request(method, path, body=data, headers=headers)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may answer (413) before reading the whole body
        response = conn.getresponse()
        raw = response.read()
        return Answer(method, path, response.status, response.getheaders(), raw)
    finally:
        conn.close()


def check_answer(a, expected_status, label):
    """Checks `a` against the spec: the status is declared for the operation (or is a documented
    route-independent 404/405), the Content-Type, declared headers, and the body's schema."""
    what = f"{a.method} {a.path.split('?')[0][:60]} -> {a.status} {label}".rstrip()
    problems = []
    if a.status != expected_status:
        problems.append(f"status {a.status}, expected {expected_status}; body: {a.raw[:300]!r}")
    path = a.path.split("?")[0]
    template = template_for(path)
    operation = SPEC["paths"][template].get(a.method.lower()) if template else None
    if operation is not None:
        response = operation["responses"].get(str(a.status))
        if response is None:
            problems.append(f"status {a.status} is not declared for {a.method} {template} "
                            f"(declared: {', '.join(operation['responses'])})")
    elif (template is None and a.status == 404) or (template is not None and a.status == 405):
        # Route-independent answers: the spec describes them as shared components.
        name = "NotFound" if a.status == 404 else "MethodNotAllowed"
        response = COMPONENTS.get("responses", {}).get(name)
        if response is None:
            problems.append(f"the spec has no components.responses.{name} for {a.status} answers")
    else:
        response = None
        problems.append(f"{a.method} {path} answered {a.status}, which the spec does not describe")
    if response is not None:
        response = resolve(response)
        for name, header in (response.get("headers") or {}).items():
            header = resolve(header)
            value = a.header(name)
            if value is None:
                if header.get("required"):
                    problems.append(f"header {name} missing")
            elif "schema" in header:
                problems += [f"header {name}: {e}" for e in schema_errors(header["schema"], value)]
        # An answer with several media types (export's JSON Feed) is checked against its own.
        content = response.get("content") or {}
        ctype = a.header("Content-Type") or ""
        media = content.get(ctype.split(";")[0].strip()) or content.get("application/json")
        if media is not None and a.method != "HEAD":
            if ctype.split(";")[0].strip() not in content:
                problems.append(f"Content-Type is {ctype!r}, not {' or '.join(content)}")
            if ctype.split(";")[0].strip() == "text/plain":
                # Prometheus text: its format is checked by Tests/contract/check-metrics.py.
                if not a.raw:
                    problems.append("body is empty")
            elif a.json_error is not None or not a.raw:
                problems.append(f"body is not JSON: {a.json_error or 'empty'}: {a.raw[:200]!r}")
            else:
                problems += schema_errors(media["schema"], a.json)
    check(not problems, what, "\n".join(problems))
    return a


def request(method, path, expected, label="", body=None, raw_body=None):
    return check_answer(call(method, path, body=body, raw_body=raw_body), expected, label)


def check_request_body(operation_id, body, label, valid=True):
    """Checks that the spec's request schema of `operation_id` accepts (or refuses) `body`."""
    for item in SPEC["paths"].values():
        for method, op in item.items():
            if isinstance(op, dict) and op.get("operationId") == operation_id:
                schema = resolve(op["requestBody"])["content"]["application/json"]["schema"]
                errors = schema_errors(schema, body)
                if valid:
                    return check(not errors, f"spec accepts request body: {label}", "\n".join(errors))
                return check(bool(errors), f"spec refuses request body: {label}")
    return check(False, f"operation {operation_id} in spec")


# ---------------------------------------------------------------------------- behaviour helpers

def span(record):
    """(first day, last day) of a record's date, as the list filter reads it; None if unknown."""
    d = record["date"]
    if d["type"] == "unknown" or d["start"] is None:
        return None

    def first(p):
        parts = p.split("-") + ["01", "01"]
        return "-".join(parts[:3])

    def last(p):
        parts = p.split("-")
        if len(parts) == 3:
            return p
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 else 12
        days = [31, 29 if (year % 4 == 0 and year % 100 != 0) or year % 400 == 0 else 28,
                31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return f"{parts[0]}-{month:02d}-{days:02d}"

    lo = first(d["start"])
    if d["type"] == "instant":
        hi = last(d["start"])
    else:
        hi = last(d["end"]) if d["end"] else "9999-12-31"
    return lo, hi


def sort_key(record):
    s = span(record)
    return (1, "", "", record["id"]) if s is None else (0, s[0], s[1], record["id"])


def error_member(a, name):
    try:
        return a.json["error"][name]
    except (TypeError, KeyError):
        return "<missing>"


# ---------------------------------------------------------------------------- the run

def wait_for_binary(path, seconds=60):
    deadline = time.monotonic() + seconds
    while not os.access(path, os.X_OK):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.5)
    return True


def wait_for_socket(proc, path, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return f"reld exited with status {proc.returncode}"
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(path)
            return None
        except OSError:
            time.sleep(0.05)
        finally:
            s.close()
    return f"socket {path} did not accept connections within {seconds} s"


def run_checks(seed):
    # -- status, empty store
    a = request("GET", "/v1/status", 200, "(empty store)")
    check(a.json and a.json.get("records") == {"event": 0, "agreement": 0, "deleted": 0},
          "status of a new store counts no records", a.raw)
    check(a.json and a.json.get("socket") == SOCKET, "status names the socket served", a.raw)
    check(a.json and a.json.get("open_conflicts") == 0 and "sync" not in a.json,
          "status without a feed: open_conflicts 0 and no sync member", a.raw)
    request("GET", "/v1/status?anything=1", 200, "(query string ignored)")

    # -- import the seed
    check_request_body("importRecords", seed, "examples/mali-russia.json")
    events = sum(1 for r in seed if r["kind"] == "event")
    agreements = len(seed) - events
    a = request("POST", "/v1/import", 200, "(seed)", body=seed)
    check(a.json == {"created": len(seed), "updated": 0, "unchanged": 0},
          f"importing the seed creates {len(seed)} records", a.raw)
    a = request("POST", "/v1/import", 200, "(seed again)", body=seed)
    check(a.json == {"created": 0, "updated": 0, "unchanged": len(seed)},
          "importing the seed again changes nothing", a.raw)
    a = request("POST", "/v1/import", 200, "(empty array)", body=[])
    check(a.json == {"created": 0, "updated": 0, "unchanged": 0}, "an empty import changes nothing", a.raw)
    a = request("GET", "/v1/status", 200, "(seeded)")
    check(a.json and a.json["records"] == {"event": events, "agreement": agreements, "deleted": 0},
          f"status counts {events} events and {agreements} agreements", a.raw)
    a = request("GET", "/metrics", 200, "(seeded)")
    check(f'reld_records{{kind="event"}} {float(events)}' in a.raw.decode("utf-8", "replace").splitlines(),
          f"metrics count {events} events", a.raw[:600])
    check((a.header("Content-Type") or "").startswith("text/plain; version=0.0.4"),
          "metrics are Prometheus text format 0.0.4", a.header("Content-Type"))

    # -- create, with the spec's own request examples
    create_op = SPEC["paths"]["/v1/records"]["post"]
    examples = create_op["requestBody"]["content"]["application/json"]["examples"]
    created = {}
    for name, example in examples.items():
        body = example["value"]
        check_request_body("createRecord", body, f"example {name}")
        a = request("POST", "/v1/records", 201, f"(example {name})", body=body)
        if a.json and "id" in a.json:
            created[name] = a.json["id"]
            if "id" in body:
                check(a.json["id"] == body["id"], f"create keeps the given id {body['id']}", a.raw)
            else:
                check(re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", a.json["id"]) is not None,
                      "create without id assigns a lower-case UUID", a.raw)
    if "minimal" in created:
        a = request("GET", f"/v1/records/{created['minimal']}", 200, "(created record)")
        expected = copy.deepcopy(SPEC["paths"]["/v1/records/{id}"]["get"]["responses"]["200"]["content"]
                                 ["application/json"]["examples"]["created"]["value"])
        expected["id"] = created["minimal"]
        check(a.json == expected, "a minimal record reads back with the documented defaults",
              f"got {a.raw[:400]!r}")
        check(list(a.json or {}) == list(resolve(schema_of("Event"))["properties"]),
              "canonical members come in schema order", list(a.json or {}))
    if "agreement" in created:
        a = request("GET", f"/v1/records/{created['agreement']}", 200, "(agreement, short date)")
        check(a.json and a.json["date"] == {"type": "instant", "start": "2024-03", "end": None,
                                           "precision": "month", "approximate": False},
              "a short date string \"2024-03\" becomes an instant of month precision", a.raw[:300])
        check(a.json and (a.json["status"], a.json["agreement_type"], a.json["lateral"]) == ("signed", "mou", "bilateral"),
              "agreement defaults: lateral bilateral", a.raw[:300])
    if "date-object" in created:
        a = request("GET", f"/v1/records/{created['date-object']}", 200, "(date object without precision)")
        check(a.json and a.json["date"]["precision"] == "month", "date.precision is computed when left out",
              a.raw[:300])
        check(a.json and a.json["actors"] == [{"name": "Russian instructors", "type": "other",
                                               "role": "participant", "country": None}],
              "actor type defaults to other, role to participant, country to null", a.raw[:400])
    for text, expected in [("1960/1991", ("interval", "1960", "1991", "year", False)),
                           ("2022/..", ("interval", "2022", None, "year", False)),
                           ("1960..1961", ("window", "1960", "1961", "year", False)),
                           ("2023-02-07~", ("instant", "2023-02-07", None, "day", True)),
                           ("unknown", ("unknown", None, None, "unknown", False))]:
        body = {"kind": "event", "title": f"date {text}", "category": "political", "date": text}
        a = call("POST", "/v1/records", body=body)
        got = None
        if a.status == 201:
            r = call("GET", f"/v1/records/{a.json['id']}")
            d = (r.json or {}).get("date", {})
            got = (d.get("type"), d.get("start"), d.get("end"), d.get("precision"), d.get("approximate"))
        check(got == expected, f"short date {text!r} is read as {expected}", f"got {got}; create said {a.status} {a.raw[:200]!r}")

    # -- list
    a = request("GET", "/v1/records", 200, "(no filter)")
    all_records = a.json["records"] if a.json else []
    check(a.json and a.json["total"] == len(all_records) == len(seed) + len(created) + 5,
          "list without filters returns every live record", f"total {a.json and a.json.get('total')}")
    keys = [sort_key(r) for r in all_records]
    check(keys == sorted(keys), "list is sorted by first day, last day, id; unknown dates last",
          "\n".join(f"{k}" for k, n in zip(keys, sorted(keys)) if k != n)[:600])
    a = request("GET", "/v1/records?kind=event&party=ML&party=RU&since=2023&until=2023&limit=10", 200, "(filters)")
    if a.json:
        rs = a.json["records"]
        good = all(r["kind"] == "event" and {"ML", "RU"} <= set(r["parties"]) and span(r) is not None
                   and span(r)[1] >= "2023-01-01" and span(r)[0] <= "2023-12-31" for r in rs)
        expected_total = sum(1 for r in all_records if r["kind"] == "event" and {"ML", "RU"} <= set(r["parties"])
                             and span(r) is not None and span(r)[1] >= "2023-01-01" and span(r)[0] <= "2023-12-31")
        check(good and len(rs) <= 10 and a.json["total"] == expected_total and rs,
              "kind, party, since and until filter as documented",
              f"total {a.json['total']}, expected {expected_total}")
    a = request("GET", "/v1/records?text=st.%20PETERSBURG", 200, "(text)")
    check(a.json and "mlru-e21" in [r["id"] for r in a.json["records"]], "text search is case-insensitive", a.raw[:200])
    a = request("GET", "/v1/search?q=petersburg%20goita&kind=event&limit=5", 200, "(search)")
    hits = a.json["hits"] if a.json else []
    check(hits and hits[0]["record"]["id"] == "mlru-e21" and "[" in hits[0]["snippet"]
          and all(h["record"]["kind"] == "event" for h in hits) and len(hits) <= 5
          and [h["rank"] for h in hits] == sorted(h["rank"] for h in hits),
          "search ranks matches, marks the snippet and applies the filters", a.raw[:300])
    a = request("GET", "/v1/search?q=%22st.%20petersburg", 400, "(search: unclosed quote)")
    check(error_member(a, "field") == "q", "a search that cannot be read names q", a.raw[:200])
    request("GET", "/v1/search", 400, "(search without q)")
    request("GET", "/v1/search?q=x&text=y", 400, "(search with text)")
    a = request("GET", "/v1/records?category=military&limit=2&offset=1", 200, "(category, limit, offset)")
    military = [r for r in all_records if r["category"] == "military"]
    check(a.json and a.json["records"] == military[1:3] and a.json["total"] == len(military),
          "limit and offset page through the sorted matches; total counts all", a.raw[:200])
    a = request("GET", "/v1/records?kind=agreement&since=2000", 200, "(unknown dates excluded)")
    check(a.json is not None and all(span(r) is not None for r in a.json["records"]),
          "records with an unknown date never match since/until", a.raw[:200])

    # -- show
    a = request("GET", "/v1/records/mlru-a03", 200, "(seed agreement)")
    seed_a03 = next(r for r in seed if r["id"] == "mlru-a03")
    expected = copy.deepcopy(seed_a03)
    if expected.get("source") is not None:
        expected["source"].setdefault("url", None)
    check(a.json == expected, "a seed record reads back in canonical form (source.url null added)", a.raw[:300])

    # -- edit
    patch_op = SPEC["paths"]["/v1/records/{id}"]["patch"]
    patch = patch_op["requestBody"]["content"]["application/json"]["example"]
    check_request_body("patchRecord", patch, "spec example")
    a = request("PATCH", "/v1/records/mlru-e45", 200, "(spec example)", body=patch)
    if a.json:
        check(a.json["date"]["start"] == "2023-02" and a.json["date"]["precision"] == "month"
              and a.json["source"]["url"] == patch["set"]["source.url"] and a.json["tags"] == patch["set"]["tags"],
              "PATCH sets dotted paths and recomputes date.precision", a.raw[:300])
    a = request("PATCH", "/v1/records/mlru-e01", 200, "(location.* on a null location)",
                body={"set": {"location": None}})
    a = request("PATCH", "/v1/records/mlru-e01", 200, "(location.name)", body={"set": {"location.name": "Bamako"}})
    check(a.json and a.json["location"] == {"name": "Bamako", "country": None, "admin1": None, "latitude": None,
                                            "longitude": None, "geo_precision": None},
          "setting location.name on a null location fills the other members with null", a.raw[:300])
    a = request("PATCH", "/v1/records/mlru-e01", 200, "(no change)", body={"set": {"location.name": "Bamako"}})

    # -- delete, and what a tombstone does
    a = request("DELETE", "/v1/records/mlru-e40", 200)
    check(a.json == {"id": "mlru-e40", "deleted": True}, "delete answers {id, deleted: true}", a.raw)
    for a in [request("GET", "/v1/records/mlru-e40", 404, "(deleted)"),
              request("DELETE", "/v1/records/mlru-e40", 404, "(already deleted)"),
              request("PATCH", "/v1/records/mlru-e40", 404, "(deleted)", body={"set": {"title": "x"}}),
              request("POST", "/v1/records/mlru-e40/resolve", 404, "(deleted)", body={"field": "title", "value": "x"}),
              request("POST", "/v1/records", 409, "(id of a deleted record)",
                      body={"id": "mlru-e40", "kind": "event", "title": "x", "category": "economic"})]:
        check(a.json and a.json["error"]["code"] == "deleted" and "relctl restore mlru-e40" in a.json["error"]["message"],
              "a deleted record is said to be deleted, with how to restore it", a.raw)
    a = request("GET", "/v1/records/mlru-e40?include_deleted=true", 200, "(tombstone)")
    check(a.json and a.json["deleted"] is True and a.json["record"]["id"] == "mlru-e40",
          "include_deleted shows the tombstone, marked deleted", a.raw[:300])
    a = request("GET", "/v1/records/mlru-e41?include_deleted=true", 200, "(live, include_deleted)")
    check(a.json and a.json["deleted"] is False and a.json["record"]["id"] == "mlru-e41",
          "include_deleted marks a live record as not deleted", a.raw[:300])
    a = request("GET", "/v1/records/no-such-id?include_deleted=true", 404, "(unknown, include_deleted)")
    check(a.json and a.json["error"]["code"] == "not_found", "an unknown id stays not_found", a.raw)
    live_events = sum(1 for r in all_records if r["kind"] == "event")
    a = request("GET", "/v1/status", 200, "(after delete)")
    check(a.json and a.json["records"]["deleted"] == 1 and a.json["records"]["event"] == live_events - 1,
          "status counts the tombstone and not the deleted record", a.raw)
    a = request("GET", "/v1/export", 200, "(after delete)")
    check(isinstance(a.json, list) and "mlru-e40" not in [r["id"] for r in a.json], "export leaves out deleted records")
    e40 = next(r for r in seed if r["id"] == "mlru-e40")
    a = request("POST", "/v1/import", 200, "(revives a deleted id)", body=[e40])
    check(a.json == {"created": 0, "updated": 1, "unchanged": 0}, "importing a deleted id brings it back as updated", a.raw)
    request("GET", "/v1/records/mlru-e40", 200, "(revived)")

    # -- history and as_of
    a = request("GET", "/v1/records/mlru-e40/history", 200)
    actions = [e["action"] for e in a.json["entries"]] if a.json else []
    check(actions[:1] == ["created"] and "deleted" in actions and actions.count("restored") == 1
          and a.json["total"] == len(actions), "history tells the create, the delete and the revival, oldest first", actions)
    a = request("GET", "/v1/records/mlru-e40/history?field=deleted&limit=1", 200, "(field, limit)")
    check(a.json and [e["action"] for e in a.json["entries"]] == ["deleted"] and a.json["total"] == 2,
          "history narrows to one field and pages it", a.raw[:300])
    deleted_at = a.json["entries"][0]["time"] if a.json and a.json["entries"] else ""
    for path, label in [("/v1/records/mlru-e40/history?field=colour", "(unknown field)"),
                        ("/v1/records/mlru-e40/history?limit=0", "(limit 0)"),
                        ("/v1/records/mlru-e40/history?bogus=1", "(unknown parameter)"),
                        ("/v1/records/mlru-e40?as_of=2026-13-01", "(as_of: bad month)"),
                        ("/v1/records/mlru-e40?as_of=2026-11-30T12:00:00", "(as_of: no zone)")]:
        request("GET", path, 400, label)
    request("GET", "/v1/records/no-such-id/history", 404, "(unknown id)")
    request("GET", "/v1/records/mlru-e40?as_of=1999-01-01", 404, "(as_of before the record)")
    a = request("GET", f"/v1/records/mlru-e40?as_of={deleted_at}", 200, "(as_of the delete)")
    check(a.json and a.json["deleted"] is True and a.json["record"]["id"] == "mlru-e40",
          "as_of the delete's time shows the tombstone", a.raw[:300])
    a = request("GET", "/v1/records/mlru-e40?as_of=9999-12-31", 200, "(as_of now)")
    check(a.json and a.json["deleted"] is False, "as_of a later time shows the record back", a.raw[:300])

    # -- export
    a = request("GET", "/v1/export", 200)
    if isinstance(a.json, list):
        ids = [r["id"] for r in a.json]
        check(ids == sorted(ids, key=lambda s: s.encode()), "export is sorted by id (byte order)")
        text = a.raw.decode()
        lines = text.split("\n")
        one_per_line = (lines[0] == "[" and lines[-2] == "]" and lines[-1] == "" and len(lines) == len(a.json) + 3
                        and all(json.loads(line.rstrip(",")) == r for line, r in zip(lines[1:-2], a.json))
                        and all(line.endswith(",") for line in lines[1:-3]) and not lines[-3].endswith(",")
                        and all(": " not in line[:15] for line in lines[1:-2]))
        check(one_per_line, "export writes one compact record per line", text[:200])
        b = request("POST", "/v1/import", 200, "(export back)", body=a.json)
        check(b.json == {"created": 0, "updated": 0, "unchanged": len(a.json)},
              "importing the export back changes nothing", b.raw)

    # -- export as a JSON Feed
    a = request("GET", "/v1/export?format=jsonfeed&title=Ledger&feed_url=https://example.org/feed.json&kind=event",
                200, "(jsonfeed)")
    if isinstance(a.json, dict):
        items = a.json.get("items") or []
        check(a.json.get("title") == "Ledger" and a.json.get("feed_url") == "https://example.org/feed.json",
              "jsonfeed takes title and feed_url", a.raw[:200])
        check(items and all(i["_reld"]["record"]["kind"] == "event" for i in items), "jsonfeed applies the list filters")
        modified = [i["date_modified"] for i in items]
        check(modified == sorted(modified, reverse=True), "jsonfeed puts the newest change first")
        b = request("POST", "/v1/import", 200, "(jsonfeed records back)", body=[i["_reld"]["record"] for i in items])
        check(b.json == {"created": 0, "updated": 0, "unchanged": len(items)},
              "the records of a JSON Feed import back unchanged", b.raw)
    a = request("GET", "/v1/export?format=jsonfeed&home_page_url=ftp://example.org/", 400, "(jsonfeed, ftp URL)")
    check(a.json and a.json["error"].get("field") == "home_page_url", "a bad feed URL is named", a.raw)
    request("GET", "/v1/export?format=rss", 400, "(unknown format)")

    # -- sync routes, on a reld without a feed
    run_sync_checks(created)

    # -- 400
    a = request("POST", "/v1/records", 400, "(malformed JSON)", raw_body=b'{"kind": "event",')
    a = request("POST", "/v1/records", 400, "(empty body)", raw_body=b"")
    a = request("POST", "/v1/records", 400, "(member twice)",
                raw_body=b'{"kind":"event","title":"x","title":"y","category":"political"}')
    a = request("POST", "/v1/import", 400, "(not an array)", body={"kind": "event"})
    a = request("PATCH", "/v1/records/mlru-e01", 400, "(no set envelope)", body={"title": "x"})
    a = request("PATCH", "/v1/records/mlru-e01", 400, "(empty set)", body={"set": {}})
    a = request("PATCH", "/v1/records/mlru-e01", 400, "(add not a map of arrays)", body={"add": {"tags": "x"}})
    # add / remove items of a list, worked out by reld from the stored list
    check_request_body("patchRecord", {"add": {"tags": ["contract-x"]}}, "add")
    check_request_body("patchRecord", {"set": {}}, "empty set", valid=False)
    a = request("PATCH", "/v1/records/mlru-e01", 200, "(add)", body={"add": {"tags": ["contract-x", "contract-y"]}})
    check(a.json and a.json["tags"][-2:] == ["contract-x", "contract-y"], "add appends items", a.raw[:300])
    a = request("PATCH", "/v1/records/mlru-e01", 200, "(remove)", body={"remove": {"tags": ["contract-x", "contract-y"]}})
    check(a.json and "contract-x" not in a.json["tags"], "remove takes items out", a.raw[:300])
    a = request("PATCH", "/v1/records/mlru-e01", 409, "(remove an item not there)", body={"remove": {"tags": ["contract-x"]}})
    check(a.json and a.json["error"]["code"] == "not_in_list", "removing an absent item is not_in_list", a.raw)
    a = request("PATCH", "/v1/records/mlru-e01", 400, "(empty field name; found by schemathesis)", body={"set": {"": []}})
    a = request("GET", "/v1/records?colour=red", 400, "(unknown parameter)")
    a = request("GET", "/v1/records?limit=0", 400, "(limit 0)")
    a = request("GET", "/v1/records?limit=100001", 400, "(limit too big)")
    a = request("GET", "/v1/records?since=2024&until=2023", 400, "(until before since)")
    a = request("GET", "/v1/records?since=2023-02-30", 400, "(no such day)")
    a = request("GET", "/v1/records?kind=treaty", 400, "(bad kind)")
    a = request("GET", "/v1/records?limit=100000", 200, "(limit at maximum)")

    # -- 404
    request("GET", "/v1/records/no-such-id", 404, "(unknown id)")
    request("PATCH", "/v1/records/no-such-id", 404, "(unknown id)", body={"set": {"title": "x"}})
    request("DELETE", "/v1/records/no-such-id", 404, "(unknown id)")
    request("GET", "/v1/nope", 404, "(unknown route)")
    request("POST", "/v2/records", 404, "(unknown route)", body={})

    # -- 405, with Allow = the methods the spec lists for the path
    for method, path in [("PUT", "/v1/records"), ("DELETE", "/v1/status"), ("POST", "/v1/export"),
                         ("GET", "/v1/import"), ("POST", "/v1/records/mlru-e01"), ("PUT", "/v1/records/mlru-e01"),
                         ("OPTIONS", "/v1/status"), ("HEAD", "/v1/sync"), ("GET", "/v1/sync"),
                         ("POST", "/v1/conflicts"), ("POST", "/v1/snapshot"),
                         ("GET", "/v1/records/mlru-e01/resolve"), ("DELETE", "/v1/records/mlru-e01/restore")]:
        a = request(method, path, 405)
        allowed = sorted(m.strip() for m in (a.header("Allow") or "").split(","))
        expected = spec_methods(template_for(path))
        check(allowed == expected, f"Allow header of {path} is {', '.join(expected)}", f"got {a.header('Allow')!r}")

    # -- 409
    request("POST", "/v1/records", 409, "(existing id)",
            body={"id": "mlru-e01", "kind": "event", "title": "x", "category": "political"})

    # -- 413 at the documented defaults: 1 MiB for most routes, more for import
    def padded(obj, size):
        text = json.dumps(obj)
        return (text[:-1] + " " * (size - len(text.encode())) + text[-1]).encode()

    limit = 1 << 20
    small = {"kind": "event", "title": "padded", "category": "political"}
    request("POST", "/v1/records", 201, "(body of exactly max_request_bytes)", raw_body=padded(small, limit))
    request("POST", "/v1/records", 413, "(body 1 byte over max_request_bytes)", raw_body=padded(small, limit + 1))
    request("PATCH", "/v1/records/mlru-e01", 413, "(oversized)", raw_body=padded({"set": {"title": "x"}}, limit + 1))
    request("POST", "/v1/records/mlru-e01/resolve", 413, "(oversized)",
            raw_body=padded({"field": "title", "take": "local"}, limit + 1))
    request("POST", "/v1/import", 200, "(2 MiB body: import has its own limit)", raw_body=padded([], 2 * limit))

    # -- 422
    body = {"id": "ct-bad-date", "kind": "event", "title": "x", "category": "political",
            "date": {"type": "instant", "start": "2023-13-01"}}
    check_request_body("createRecord", body, "month 13", valid=False)
    a = request("POST", "/v1/records", 422, "(month 13)", body=body)
    check((error_member(a, "field"), error_member(a, "value"), error_member(a, "record_index"), error_member(a, "record_id"))
          == ("date.start", '"2023-13-01"', None, "ct-bad-date"),
          "422 names field date.start, value as JSON text, the record id", a.raw)
    a = request("POST", "/v1/records", 422, "(missing category)", body={"kind": "event", "title": "x"})
    check((error_member(a, "field"), error_member(a, "value")) == ("category", None),
          "a missing field has value null", a.raw)
    a = request("POST", "/v1/records", 422, "(not an object)", body=[1])
    check((error_member(a, "field"), error_member(a, "record_id")) == ("(record)", None),
          "a body that is not an object gives field (record)", a.raw)
    for label, body in [("event with an agreement field", {"kind": "event", "title": "x", "category": "political", "status": "signed"}),
                        ("lower-case party", {"kind": "event", "title": "x", "category": "political", "parties": ["ml"]}),
                        ("cameo code without root", {"kind": "event", "title": "x", "category": "political", "codes": {"cameo_event_code": "042"}}),
                        ("quad_class against root", {"kind": "event", "title": "x", "category": "political", "codes": {"cameo_root": "04", "quad_class": 4}}),
                        ("wrong precision", {"kind": "event", "title": "x", "category": "political", "date": {"type": "instant", "start": "2023", "precision": "day"}}),
                        ("source part", {"kind": "event", "title": "x", "category": "political", "source": {"part": "footnote"}}),
                        ("url scheme", {"kind": "event", "title": "x", "category": "political", "source": {"url": "ftp://x"}}),
                        ("tags null", {"kind": "event", "title": "x", "category": "political", "tags": None}),
                        ("repeated tag", {"kind": "event", "title": "x", "category": "political", "tags": ["a", "a"]})]:
        check_request_body("createRecord", body, label, valid=False)
        request("POST", "/v1/records", 422, f"({label})", body=body)
    good = {"id": "ct-i1", "kind": "event", "title": "x", "category": "political"}
    a = request("POST", "/v1/import", 422, "(second element invalid)", body=[good, {"kind": "event", "title": ""}])
    check(error_member(a, "record_index") == 1, "record_index is 0-based", a.raw)
    a = request("POST", "/v1/import", 422, "(element not an object)", body=[good, 5])
    check((error_member(a, "record_index"), error_member(a, "field")) == (1, "(record)"),
          "an import element that is not an object gives field (record)", a.raw)
    a = request("POST", "/v1/import", 422, "(same id twice)", body=[good, good])
    check((error_member(a, "record_index"), error_member(a, "field"), error_member(a, "record_id")) == (1, "id", "ct-i1"),
          "the same id twice is reported at the second occurrence", a.raw)
    a = request("POST", "/v1/import", 422, "(kind change)",
                body=[{"id": "mlru-e01", "kind": "agreement", "title": "x", "category": "political"}])
    check((error_member(a, "field"), error_member(a, "record_index")) == ("kind", 0), "a kind change is refused", a.raw)
    a = request("GET", "/v1/records/ct-i1", 404, "(failed import wrote nothing)")
    a = request("PATCH", "/v1/records/mlru-e01", 422, "(change id)", body={"set": {"id": "x"}})
    a = request("PATCH", "/v1/records/mlru-e01", 422, "(null on a required field)", body={"set": {"title": None}})
    a = request("PATCH", "/v1/records/mlru-e01", 422, "(field of the other kind)", body={"set": {"status": "signed"}})

    a = request("GET", "/v1/status", 200, "(end)")


def run_sync_checks(created):
    """The sync routes on a reld that has no feed: nothing to sync, no conflicts, the snapshot,
    restore, and the errors of resolve."""
    a = request("POST", "/v1/sync", 409, "(no feed)")
    check(error_member(a, "code") == "no_feed", "sync without a feed answers no_feed", a.raw)

    a = request("GET", "/v1/conflicts", 200, "(none)")
    check(a.json == {"conflicts": []}, "a store that never synced has no conflicts", a.raw)
    request("GET", "/v1/conflicts?x=1", 200, "(query string ignored)")

    # resolve: every request example is valid against the spec; no field here has a conflict
    examples = (SPEC["paths"]["/v1/records/{id}/resolve"]["post"]["requestBody"]["content"]
                ["application/json"]["examples"])
    for name, example in examples.items():
        check_request_body("resolveConflict", example["value"], f"example {name}")
    a = request("POST", "/v1/records/mlru-e01/resolve", 404, "(field without a conflict)",
                body={"field": "title", "take": "local"})
    check(error_member(a, "code") == "no_conflict", "resolve of a field without a conflict is no_conflict", a.raw)
    a = request("POST", "/v1/records/no-such-id/resolve", 404, "(unknown id)", body={"field": "title", "value": "x"})
    check(error_member(a, "code") == "no_conflict", "resolve on an unknown id is no_conflict", a.raw)
    for label, body in [("no field", {"take": "local"}), ("neither take nor value", {"field": "title"}),
                        ("take other than local/remote", {"field": "title", "take": "mine"}),
                        ("both take and value", {"field": "title", "take": "local", "value": "x"})]:
        check_request_body("resolveConflict", body, label, valid=False)
        request("POST", "/v1/records/mlru-e01/resolve", 400, f"({label})", body=body)
    request("POST", "/v1/records/mlru-e01/resolve", 400, "(malformed JSON)", raw_body=b'{"field":')
    request("POST", "/v1/records/mlru-e01/resolve", 400, "(empty body)", raw_body=b"")

    # restore
    request("POST", "/v1/records/no-such-id/restore", 404, "(unknown id)")
    rid = created.get("minimal")
    if rid:
        before = call("GET", f"/v1/records/{rid}").json
        a = request("POST", f"/v1/records/{rid}/restore", 200, "(live record)")
        check(a.json == {"id": rid, "restored": False}, "restoring a live record says it restored nothing", a.raw[:300])
        deleted_before = (call("GET", "/v1/status").json or {}).get("records", {}).get("deleted")
        request("DELETE", f"/v1/records/{rid}", 200, "(to restore it)")
        request("GET", f"/v1/records/{rid}", 404, "(deleted, before restore)")
        a = request("POST", f"/v1/records/{rid}/restore", 200, "(deleted record)")
        check(a.json == {"id": rid, "restored": True}, "restoring a deleted record says so", a.raw[:300])
        a = request("GET", f"/v1/records/{rid}", 200, "(restored)")
        check(a.json == before, "the restored record reads back as before", a.raw[:300])
        a = request("GET", "/v1/status", 200, "(after restore)")
        check(a.json and a.json["records"]["deleted"] == deleted_before,
              "a restored record is no longer counted as deleted", a.raw)

    # snapshot (with one record deleted for good, to see its tombstone)
    gone = created.get("date-object")
    if gone:
        request("DELETE", f"/v1/records/{gone}", 200, "(a tombstone for the snapshot)")
    status = call("GET", "/v1/status").json or {}
    a = request("GET", "/v1/snapshot", 200)
    doc = a.json if isinstance(a.json, dict) else {}
    check(doc.get("format") == "reld-snapshot/1" and doc.get("feed_id") == status.get("node_id"),
          "snapshot: format reld-snapshot/1, feed_id is this node's id", a.raw[:200])
    changes = doc.get("changes") or []
    exported = {r["id"] for r in (call("GET", "/v1/export").json or [])}
    in_snapshot = {c["record_id"] for c in changes if c["field"] == "_kind"}
    check(exported <= in_snapshot, "snapshot holds every live record",
          f"missing: {sorted(exported - in_snapshot)[:5]}")
    deleted = {c["record_id"] for c in changes if c["field"] == "_deleted" and c["value"] is True}
    if gone:
        check(gone in deleted and gone in in_snapshot and gone not in exported,
              "snapshot keeps a deleted record, with _deleted true", f"deleted in snapshot: {sorted(deleted)[:5]}")
        check({c["field"] for c in changes if c["record_id"] == gone} >= {"_kind", "title", "category", "actors"},
              "a tombstone in the snapshot keeps the record's fields")
    if rid:
        check(any(c["record_id"] == rid and c["field"] == "_deleted" and c["value"] is False for c in changes),
              "snapshot records the restore as _deleted false")
    seqs = [c["node_seq"] for c in changes if c["node"] == status.get("node_id")]
    check(len(seqs) == len(set(seqs)), "snapshot lists each change once")
    request("GET", "/v1/snapshot?x=1", 200, "(query string ignored)")


def run_reld(reld, tmp, name, extra, checks):
    """Starts reld on `tmp`/`name`.* with `extra` arguments, runs `checks()` against it, stops it
    with SIGTERM (by pid) and checks that it exits cleanly. Prints the end of its log if any
    check failed."""
    global SOCKET
    SOCKET = os.path.join(tmp, f"{name}.sock")
    config = os.path.join(tmp, "reld.toml")
    with open(config, "w") as f:
        f.write('socket_group = ""\n')  # defaults otherwise; no /etc/reld or ~/.config file is read
    log_path = os.path.join(tmp, f"{name}.log")
    failed_before = failed
    proc = None
    try:
        with open(log_path, "wb") as log:
            proc = subprocess.Popen([reld, "--config", config, "--state-dir", os.path.join(tmp, name),
                                     "--socket", SOCKET, "--log-level", "warning", *extra],
                                    stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        problem = wait_for_socket(proc, SOCKET)
        label = " (following a feed)" if extra else ""
        if check(problem is None, f"reld{label} starts and accepts connections on its socket", problem or ""):
            try:
                checks()
            except Exception:  # noqa: BLE001
                check(False, "checks ran to the end", traceback.format_exc())
            proc.send_signal(signal.SIGTERM)
            try:
                rc = proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                rc = None
            check(rc == 0, f"reld{label} stops cleanly on SIGTERM (exit status 0)", f"exit status {rc}")
        if failed > failed_before:
            with open(log_path, "rb") as f:
                tail = f.read()[-3000:].decode(errors="replace")
            if tail.strip():
                print(f"# reld log ({name}, end):")
                for line in tail.splitlines():
                    print(f"#   {line}")
    finally:
        if proc is not None and proc.poll() is None:
            try:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass


def start_web_server(directory):
    """A small static web server on a free loopback port, in a thread: (server, base URL)."""
    import functools
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=directory))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def run_feed_checks(server, url, published):
    """Checks on a reld that follows another one's snapshot at `url`, published by `server`:
    POST /v1/sync answers 200 (then, the file unchanged, not_modified), the records arrive
    unchanged, GET /v1/status carries `sync`, and with the server gone the round fails (502)."""
    a = request("GET", "/v1/status", 200, "(following a snapshot)")
    sync = (a.json or {}).get("sync") or {}
    check(sync.get("feed") == url and sync.get("read_only") is True,
          "status names the feed and says a snapshot feed is read-only", a.raw)
    a = request("POST", "/v1/sync", 200, "(snapshot feed)")
    check(a.json and a.json["pushed"] == 0, "a snapshot feed is never pushed to", a.raw)
    a = request("GET", "/v1/export", 200, "(follower)")
    check(a.json == published, "a reld following the snapshot has the same records",
          f"{len(a.json or [])} records, expected {len(published)}")
    a = request("POST", "/v1/sync", 200, "(unchanged snapshot)")
    check(a.json == {"pulled": 0, "pushed": 0, "new_conflicts": 0, "not_modified": True,
                     "read_only": True, "pending_changes": 0},
          "an unchanged snapshot is not fetched again (not_modified)", a.raw)
    a = request("GET", "/v1/status", 200, "(after a round)")
    sync = (a.json or {}).get("sync") or {}
    check(sync.get("state") == "idle" and "last_success" in sync and "last_error" not in sync
          and a.json["pending_changes"] == 0 and a.json["open_conflicts"] == 0,
          "after a good round: idle, last_success, no last_error", a.raw)
    request("GET", "/v1/conflicts", 200, "(follower)")
    server.shutdown()
    server.server_close()
    a = request("POST", "/v1/sync", 502, "(feed gone)")
    check(error_member(a, "code") == "sync_failed" and url in str(error_member(a, "message")),
          "a failed round answers sync_failed, naming the feed", a.raw)
    a = request("GET", "/v1/status", 200, "(after a failed round)")
    sync = (a.json or {}).get("sync") or {}
    check("last_error" in sync and "next_attempt" in sync and "last_success" in sync,
          "after a failed round: last_error and next_attempt, last_success kept", a.raw)


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "debug")
    reld = os.path.join(os.path.abspath(build), "reld")

    try:
        validate_spec(SPEC)
        check(True, "docs/control-api.yaml is a valid OpenAPI 3.0 document")
    except Exception as e:  # noqa: BLE001
        check(False, "docs/control-api.yaml is a valid OpenAPI 3.0 document", e)
    for where, media in spec_media():
        examples = [("", media["example"])] if "example" in media else []
        examples += [(f" {k}", resolve(v)["value"]) for k, v in (media.get("examples") or {}).items()]
        for name, value in examples:
            errors = schema_errors(media["schema"], value)
            check(not errors, f"spec example {where}{name} matches its schema", "\n".join(errors))

    with open(SEED_PATH, encoding="utf-8") as f:
        seed = json.load(f)

    if not check(wait_for_binary(reld), f"{reld} exists"):
        return finish()
    tmp = tempfile.mkdtemp(prefix="reldct-", dir="/tmp")
    www = os.path.join(tmp, "www")
    os.mkdir(www)
    published = []

    def first():
        run_checks(seed)
        # What the second reld will follow: this one's snapshot, and the records it should give.
        snapshot = call("GET", "/v1/snapshot")
        with open(os.path.join(www, "ledger.json"), "wb") as f:
            f.write(snapshot.raw)
        published.extend(call("GET", "/v1/export").json or [])

    server = None
    try:
        run_reld(reld, tmp, "a", [], first)
        if published:
            server, base = start_web_server(www)
            url = base + "/ledger.json"
            run_reld(reld, tmp, "b", ["--feed", url, "--sync-interval", "3600"],
                     lambda: run_feed_checks(server, url, published))
    finally:
        if server is not None:
            server.shutdown()
            server.server_close()
        shutil.rmtree(tmp, ignore_errors=True)
    return finish()


def finish():
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
