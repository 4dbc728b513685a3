"""A local web server for a built site, with the MIME types a host must send (to try the site, and
for the tests and the benchmark)."""

from __future__ import annotations

import os

#: What a host must send for the site to work: JavaScript modules and WebAssembly by type.
MIME_TYPES = {".mjs": "text/javascript", ".js": "text/javascript", ".wasm": "application/wasm",
              ".json": "application/json", ".ipynb": "application/json", ".whl": "application/zip",
              ".zip": "application/zip", ".md": "text/markdown; charset=utf-8", ".css": "text/css",
              ".svg": "image/svg+xml", ".webmanifest": "application/manifest+json",
              ".gz": "application/gzip"}


def make_server(site: str | os.PathLike[str], host: str = "127.0.0.1", port: int = 8000):
    """A threading HTTP server for ``site`` (call ``serve_forever``; ``server_address`` has the port)."""
    import functools
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Handler(SimpleHTTPRequestHandler):
        extensions_map = {**SimpleHTTPRequestHandler.extensions_map, **MIME_TYPES}

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet
            pass

    handler = functools.partial(Handler, directory=str(site))
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server
