"""HTTP/1.1 over reld's Unix socket with the standard library: shared by the contract test and
the benchmarks (bench/api-load.py)."""
import http.client
import socket


class UnixHTTPConnection(http.client.HTTPConnection):
    """An `http.client` connection whose transport is a Unix stream socket."""

    def __init__(self, path, timeout=60):
        super().__init__("localhost", timeout=timeout)
        self.unix_path = path

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        s.connect(self.unix_path)
        self.sock = s
