#!/usr/bin/env python3
"""feed-fault-proxy: an HTTP reverse proxy that breaks the feed between reld and relhub.

Usage:
    feed-fault-proxy.py --listen 127.0.0.1:0 --upstream 127.0.0.1:PORT --seed N \
        --fault-rate 0.5 --stats FILE [--off-file PATH] [--stall S] [--dribble S] ...

Prints "ready listen=HOST:PORT" on stdout once listening. Python 3.11, standard library only.

Each request (GET /v1/changes, GET /v1/snapshot, POST /v1/changes, anything else) is faulted
with probability --fault-rate. The class is dealt from a seeded, shuffled deck of all classes
(reshuffled when empty): random order, yet every class fires once per len(CLASSES) faults, so a
bounded test sees them all. Classes (stats key, then what the client sees):
  refuse        connection reset (RST) as soon as it is accepted, before the request is read
  reset         request read (and forwarded upstream half the time, so a push may have landed),
                then RST, sometimes after a partial status line
  server_error  HTTP 500 / 502 (an HTML page, like a real gateway) / 503, before or after upstream
  rate_limit    HTTP 429 with Retry-After: --retry-after
  stall         nothing, or headers and half the body, for --stall seconds, then close
  truncate      Content-Length of the real body, then only part of it, then close
  corrupt_json  a cleanly framed body that is not JSON: cut short, a raw control byte, a broken
                structural character, invalid UTF-8, or an HTML page (checked with json.loads)
  wrong_types   valid JSON with one member of the wrong type (a string cursor, a numeric
                record_id deep in the page, ...); a change's "value" is never touched, since
                any JSON is a valid value and changing it would be silent corruption, not a fault
  oversize      a body over --max-bytes (reld's FeedSettings.maxResponseBytes, 256 MiB): a
                declared Content-Length, a chunked stream, or a small gzip bomb
  dribble       the real answer a few bytes at a time over ~--dribble seconds: must succeed
Faulted requests are sent upstream without If-None-Match/If-Modified-Since so that there is a
body to break (a 304 has none). A path ending in ".json" is forwarded as /v1/snapshot, so a
reld can follow the hub's snapshot document through the proxy.

Faults stop while the --off-file exists (checked per request), and SIGUSR1 toggles them.
Counts go to --stats as JSON after every request, atomically (write, then rename):
  {"enabled", "requests", "passed", "faulted", "upstream_errors", "faults": {class: n},
   "faults_by_route": {"POST /v1/changes": {class: n}}, "details": {"class:variant": n},
   "routes": {"GET /v1/changes": n}}   (a refused connection's route is "(not read)")
One request per connection (Connection: close), which keeps the framing faults simple.
Stop it with SIGKILL or SIGTERM (default action restored: test runners may hand down SIG_IGN).
"""
import argparse, asyncio, json, os, random, signal, socket, struct, sys, zlib

CLASSES = ["refuse", "reset", "server_error", "rate_limit", "stall", "truncate",
           "corrupt_json", "wrong_types", "oversize", "dribble"]
OVERSIZE_MODES = ["declared", "chunked", "gzip"]
REASONS = {200: "OK", 429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
           503: "Service Unavailable"}


class Proxy:
    def __init__(self, args):
        self.args, self.rng, self.deck, self.enabled = args, random.Random(args.seed), [], True
        self.stats = {"enabled": True, "requests": 0, "passed": 0, "faulted": 0, "upstream_errors": 0,
                      "faults": {c: 0 for c in args.classes}, "faults_by_route": {}, "details": {}, "routes": {}}
        self.bomb = None  # (deflated 1 MiB of spaces, CRC-32 of the padding), built on first use

    # -- bookkeeping --------------------------------------------------------------------------
    def faults_on(self):
        return self.enabled and not (self.args.off_file and os.path.exists(self.args.off_file))

    def pick(self):
        if not self.faults_on() or self.rng.random() >= self.args.fault_rate:
            return None
        if not self.deck:
            self.deck = list(self.args.classes)
            self.rng.shuffle(self.deck)
        return self.deck.pop()

    def count(self, cls, route, detail=None):
        self.stats["faulted"] += 1
        self.stats["faults"][cls] += 1
        by_route = self.stats["faults_by_route"].setdefault(route, {})
        by_route[cls] = by_route.get(cls, 0) + 1
        if detail:
            key = f"{cls}:{detail}"
            self.stats["details"][key] = self.stats["details"].get(key, 0) + 1
        log(f"fault {cls}" + (f" ({detail})" if detail else ""))
        self.save()  # now, not when the request ends: a stall may outlast the test's look

    def save(self):
        if not self.args.stats:
            return
        self.stats["enabled"] = self.faults_on()
        tmp = f"{self.args.stats}.tmp{os.getpid()}"
        with open(tmp, "w") as f:
            json.dump(self.stats, f, indent=1, sort_keys=True)
        os.replace(tmp, self.args.stats)  # readers never see a half-written file

    # -- one connection, one request ------------------------------------------------------------
    async def handle(self, reader, writer):
        try:
            await asyncio.wait_for(self.serve(reader, writer), self.args.stall + 60)
        except Exception as e:  # the client hung up, or upstream broke: nothing left to answer
            log(f"connection ended: {type(e).__name__}: {e}")
        finally:
            self.save()
            await close(writer)

    async def serve(self, reader, writer):
        cls = self.pick()
        self.stats["requests"] += 1
        if cls == "refuse":
            self.count(cls, "(not read)")
            return reset(writer)
        method, target, headers = await read_head(reader)
        body = await read_body(reader, headers, request=True)
        route = f"{method} {target.split('?')[0]}"
        self.stats["routes"][route] = self.stats["routes"].get(route, 0) + 1
        log(f"{route} -> {cls or 'pass'}")
        if cls is None:
            self.stats["passed"] += 1
            status, reason, rheaders, rbody = await self.forward(method, target, headers, body, False)
            return await send(writer, head(status, reason, rheaders, len(rbody)) + rbody)
        rng = self.rng
        if cls == "rate_limit":
            self.count(cls, route)
            return await send(writer, error(429, "too many requests (injected)",
                                            [("Retry-After", str(self.args.retry_after))]))
        if cls == "server_error":
            code, after = rng.choice([500, 502, 503]), rng.random() < 0.5
            self.count(cls, route, f"{code}-{'after' if after else 'before'}-upstream")
            if after:
                await self.forward(method, target, headers, body, True)
            if code == 502:
                page = b"<html><body><h1>502 Bad Gateway</h1></body></html>\n"
                return await send(writer, head(502, REASONS[502], [("Content-Type", "text/html")], len(page)) + page)
            return await send(writer, error(code, f"injected fault: HTTP {code}"))
        if cls == "reset":
            forwarded, partial = rng.random() < 0.5, rng.random() < 0.5
            self.count(cls, route, ("forwarded" if forwarded else "unforwarded") + ("-partial" if partial else ""))
            if forwarded:
                await self.forward(method, target, headers, body, True)
            if partial:
                writer.write(b"HTTP/1.1 200 OK\r\nContent-")
                await writer.drain()
            return reset(writer)
        # The rest break (or slow down) a real answer.
        status, reason, rheaders, rbody = await self.forward(method, target, headers, body, True)
        if cls == "stall":
            silent = rng.random() < 0.5
            self.count(cls, route, "silent" if silent else "mid-body")
            if not silent:
                await send(writer, head(status, reason, rheaders, len(rbody)) + rbody[:len(rbody) // 2], close=False)
            await asyncio.sleep(self.args.stall)
            return
        if cls == "truncate":
            self.count(cls, route)
            return await send(writer, head(status, reason, rheaders, len(rbody)) + rbody[:rng.randrange(max(1, len(rbody)))])
        if cls == "corrupt_json":
            bad, how = self.corrupt(rbody)
            self.count(cls, route, how)
            return await send(writer, head(status, reason, rheaders, len(bad)) + bad)
        if cls == "wrong_types":
            try:
                doc = json.loads(rbody)
                where = self.mutate(doc)
            except (ValueError, IndexError):  # not a JSON object (e.g. an HTML error): corrupt it
                doc, where = None, None
            if where is None:
                bad, where = self.corrupt(rbody)
            else:
                bad = json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode()
            self.count(cls, route, where)
            return await send(writer, head(status, reason, rheaders, len(bad)) + bad)
        if cls == "oversize":
            mode = rng.choice(self.args.oversize_modes)
            self.count(cls, route, mode)
            return await self.oversize(writer, mode, status, reason, rheaders, rbody)
        if cls == "dribble":
            self.count(cls, route)
            data = head(status, reason, rheaders, len(rbody)) + rbody
            step = max(3, len(data) * 10 // max(1, int(self.args.dribble * 1000)))  # ~100 writes a second
            for i in range(0, len(data), step):
                writer.write(data[i:i + step])
                await writer.drain()
                await asyncio.sleep(0.01)
            return await send(writer, b"")

    async def forward(self, method, target, headers, body, strip_validators):
        """Sends the request to relhub and reads its whole answer (identity-encoded)."""
        path = target.split("?")[0]
        if path.endswith(".json"):
            target = "/v1/snapshot"
        drop = {"host", "connection", "keep-alive", "accept-encoding", "content-length", "transfer-encoding"}
        if strip_validators:
            drop |= {"if-none-match", "if-modified-since"}
        host, port = self.args.upstream
        lines = [f"{method} {target} HTTP/1.1", f"Host: {host}:{port}", "Connection: close",
                 "Accept-Encoding: identity", f"Content-Length: {len(body)}"]
        lines += [f"{k}: {v}" for k, v in headers if k.lower() not in drop]
        try:
            r, w = await asyncio.open_connection(host, port)
        except OSError as e:
            self.stats["upstream_errors"] += 1
            return 502, "Bad Gateway", [("Content-Type", "application/json")], json.dumps(
                {"error": {"code": "upstream", "message": f"proxy: relhub unreachable: {e}"}}).encode()
        try:
            w.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
            await w.drain()
            status_line, _, rest = (await r.readuntil(b"\r\n\r\n")).decode("latin-1").partition("\r\n")
            _, code, *reason = status_line.split(" ", 2)
            rheaders = parse_headers(rest)
            no_body = method == "HEAD" or int(code) in (204, 304)
            rbody = b"" if no_body else await read_body(r, rheaders, request=False)
            return int(code), (reason or [""])[0], rheaders, rbody
        finally:
            w.transport.abort()

    def corrupt(self, body):
        """A body that no JSON parser accepts, still cleanly framed; and how it was broken."""
        rng = self.rng
        for _ in range(50):
            how, b = rng.choice(["cut", "control-byte", "structural", "bad-utf8", "html"]), bytearray(body)
            if how == "cut":
                b = b[:rng.randrange(max(1, len(body.rstrip()) - 1))]
            elif how == "control-byte":
                i = rng.randrange(len(b) + 1)
                b[i:i] = bytes([rng.choice([0, 1, 8, 0x1b, 0x1f])])
            elif how == "structural":
                spots = [i for i, c in enumerate(b) if c in b'{}[]:,"']
                if spots:
                    b[rng.choice(spots)] = ord(rng.choice("#;)=}"))
            elif how == "bad-utf8":
                quote = [i for i, c in enumerate(b) if c == ord('"')]
                i = rng.choice(quote) + 1 if quote else 0
                b[i:i] = rng.choice([b"\xff", b"\xc3", b"\xed\xa0\x80"])
            else:
                b = bytearray(b"<html><body>Proxy error</body></html>\n")
            try:
                json.loads(bytes(b).decode("utf-8"))
            except ValueError:  # UnicodeDecodeError is one too
                return bytes(b), how
        return b"\x00", "nul"

    def mutate(self, doc):
        """Gives one member the wrong type; returns its path, or None if there is nothing to break."""
        if not isinstance(doc, dict):
            return None
        spots = [(doc, k, k) for k in ("feed_id", "changes", "next", "more", "format",
                                       "accepted", "duplicates", "new_conflicts") if k in doc]
        changes = doc.get("changes")
        if isinstance(changes, list) and changes:
            # Late in the page, where applying change by change would already have done harm.
            i = len(changes) - 1 - int(self.rng.random() ** 3 * len(changes))
            if isinstance(changes[i], dict):
                spots += [(changes[i], k, f"changes[{i}].{k}") for k in
                          ("node", "node_seq", "record_id", "field", "hlc", "bases") if k in changes[i]]
        if not spots:
            return None
        obj, key, where = self.rng.choice(spots)
        v = obj[key]
        # A clock value may be an integer or a decimal string: neither is wrong, an array is.
        obj[key] = ([v] if key == "hlc" else str(v).lower() if isinstance(v, bool) else str(v) if isinstance(v, (int, float))
                    else 12345 if isinstance(v, str) else {"items": v} if isinstance(v, list) else [v])
        return where

    async def oversize(self, writer, mode, status, reason, rheaders, rbody):
        limit = self.args.max_bytes
        if mode == "gzip":
            # Leading whitespace is valid JSON. Raw deflate segments that end in a full flush keep
            # no history, so one 1 MiB segment of spaces is built once and repeated (zlib on the
            # whole 256 MiB takes seconds); the body follows as a fresh final segment.
            pad, n = b" " * (1 << 20), limit // (1 << 20) + 1
            if self.bomb is None:
                c, crc = zlib.compressobj(9, zlib.DEFLATED, -15), 0
                for _ in range(n):
                    crc = zlib.crc32(pad, crc)
                self.bomb = (c.compress(pad) + c.flush(zlib.Z_FULL_FLUSH), crc)
            c = zlib.compressobj(9, zlib.DEFLATED, -15)
            data = (b"\x1f\x8b\x08\0\0\0\0\0\0\xff" + self.bomb[0] * n + c.compress(rbody) + c.flush()
                    + struct.pack("<II", zlib.crc32(rbody, self.bomb[1]), (n * len(pad) + len(rbody)) & 0xFFFFFFFF))
            extra = [("Content-Encoding", "gzip")]
            return await send(writer, head(status, reason, rheaders + extra, len(data)) + data)
        # Real body, then whitespace past the limit, while the client still reads (bounded).
        chunked = mode == "chunked"
        total = limit + 1 + len(rbody)
        writer.write(head(status, reason, rheaders, None if chunked else total, chunked) + frame(rbody, chunked))
        sent, pad = len(rbody), b" " * (1 << 20)
        async def stream():
            nonlocal sent
            while sent < total:
                piece = pad[:total - sent]
                writer.write(frame(piece, chunked))
                await writer.drain()
                sent += len(piece)
            writer.write(b"0\r\n\r\n" if chunked else b"")
            await writer.drain()
        try:
            # A guard for a client that neither reads nor hangs up; not a pace. On a loaded
            # machine the client may take well over 30 s to read 256 MiB, and cutting it off
            # then would be a truncation, not the fault this is meant to be.
            await asyncio.wait_for(stream(), 600)
        except (asyncio.TimeoutError, OSError):
            pass  # the client stopped reading, as it should


def frame(data, chunked):
    return b"%x\r\n%s\r\n" % (len(data), data) if chunked and data else (b"" if chunked else data)


def head(status, reason, headers, length, chunked=False):
    drop = {"content-length", "transfer-encoding", "connection", "keep-alive"}
    lines = [f"HTTP/1.1 {status} {reason or REASONS.get(status, 'Whatever')}"]
    lines += [f"{k}: {v}" for k, v in headers if k.lower() not in drop] + ["Connection: close"]
    lines.append("Transfer-Encoding: chunked" if chunked else f"Content-Length: {length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def error(status, message, extra=()):
    body = json.dumps({"error": {"code": "injected", "message": message}}).encode()
    return head(status, REASONS[status], [("Content-Type", "application/json"), *extra], len(body)) + body


async def send(writer, data, close=True):
    writer.write(data)
    await writer.drain()
    if close and writer.can_write_eof():
        writer.write_eof()  # a clean FIN: what the client sees is exactly what was sent


async def close(writer):
    """Lets what is still buffered reach the client, then closes. abort() alone drops up to the
    buffer's high-water mark (64 KiB) of the answer's tail, which made a whole answer look cut off
    (and an oversize one fall under the limit) whenever the client read slowly. A client that
    reads nothing more is cut off after 10 s."""
    transport = writer.transport
    if not transport.is_closing():
        transport.set_write_buffer_limits(high=0)
        try:
            await asyncio.wait_for(writer.drain(), 10)
        except (asyncio.TimeoutError, OSError):
            pass
    transport.abort()


def reset(writer):
    """Closes with RST rather than FIN (SO_LINGER 0)."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


def parse_headers(text):
    return [(k.strip(), v.strip()) for k, _, v in (l.partition(":") for l in text.split("\r\n") if l)]


async def read_head(reader):
    text = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
    first, _, rest = text.partition("\r\n")
    method, target, _ = first.split(" ", 2)
    return method, target, parse_headers(rest)


async def read_body(reader, headers, request):
    h = {k.lower(): v for k, v in headers}
    if "chunked" in h.get("transfer-encoding", "").lower():
        body = b""
        while (size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)) > 0:
            body += await reader.readexactly(size)
            await reader.readuntil(b"\r\n")
        await reader.readuntil(b"\r\n")
        return body
    if "content-length" in h:
        return await reader.readexactly(int(h["content-length"]))
    return b"" if request else await reader.read()  # a response without length ends at close


def log(message):
    print(f"feed-fault-proxy: {message}", file=sys.stderr, flush=True)


async def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--listen", default="127.0.0.1:0")
    p.add_argument("--upstream", required=True, help="relhub's HOST:PORT")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--fault-rate", type=float, default=0.5)
    p.add_argument("--stats", help="JSON file of counts, replaced after every request")
    p.add_argument("--off-file", help="faults are off while this file exists")
    p.add_argument("--classes", default=",".join(CLASSES), help="comma-separated subset of fault classes")
    p.add_argument("--oversize-modes", default=",".join(OVERSIZE_MODES))
    p.add_argument("--stall", type=float, default=70, help="seconds; reld's read timeout is 60 s")
    p.add_argument("--dribble", type=float, default=2, help="seconds to spread a dribbled answer over")
    p.add_argument("--retry-after", type=int, default=1, help="Retry-After seconds of a 429")
    p.add_argument("--max-bytes", type=int, default=256 << 20, help="reld's response bound")
    args = p.parse_args()
    args.classes = [c for c in args.classes.split(",") if c]
    args.oversize_modes = [m for m in args.oversize_modes.split(",") if m]
    unknown = set(args.classes) - set(CLASSES) | set(args.oversize_modes) - set(OVERSIZE_MODES)
    if unknown or not args.classes or not args.oversize_modes:
        p.error(f"unknown or no fault classes / oversize modes: {sorted(unknown)}")
    uhost, _, uport = args.upstream.rpartition(":")
    args.upstream = (uhost, int(uport))
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    proxy = Proxy(args)
    def toggle():
        proxy.enabled = not proxy.enabled
        log(f"faults {'on' if proxy.enabled else 'off'} (SIGUSR1)")
        proxy.save()
    asyncio.get_running_loop().add_signal_handler(signal.SIGUSR1, toggle)
    host, _, port = args.listen.rpartition(":")
    server = await asyncio.start_server(proxy.handle, host, int(port), limit=1 << 20)
    proxy.save()
    print(f"ready listen={host}:{server.sockets[0].getsockname()[1]}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
