"""Tiny local servers for download tests: a web server that also works as an HTTP proxy, and one that never
answers. Nothing leaves the machine."""
from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse


class Served:
    """What a local server was asked for."""

    def __init__(self, url: str):
        self.url = url
        self.requests: list[str] = []  # request lines, e.g. "GET http://mirror.invalid/a.gz HTTP/1.1"


@contextlib.contextmanager
def serve(files: dict[str, bytes]) -> Iterator[Served]:
    """Serve `files` by URL path (e.g. "/mnist/train-images-idx3-ubyte.gz"), also to proxy requests for any host."""
    served = None

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            served.requests.append(self.requestline)
            body = files.get(urlparse(self.path).path)
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def do_CONNECT(self):
            served.requests.append(self.requestline)
            self.send_response(403)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    served = Served(f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield served
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def silent_server() -> Iterator[str]:
    """A URL whose server accepts connections and never answers (a network that hangs)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"


def use_proxy(monkeypatch, proxy_url: str) -> None:
    """Route http:// and https:// requests through `proxy_url`, as a student's proxy settings would."""
    for name in ("no_proxy", "NO_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"):
        monkeypatch.setenv(name, proxy_url)


def no_proxy(monkeypatch) -> None:
    """No proxy settings at all (local test servers are reached directly)."""
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
