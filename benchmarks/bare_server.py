"""The yardstick for the feed: waitress serving a fixed body of a given size, answering 304 to a
matching If-None-Match, and nothing else. Run by benchmarks/run.py as its own process.

    python benchmarks/bare_server.py PORT BODY_BYTES
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from typing import Any

import waitress

ETAG = '"bare"'


def make_app(size: int) -> Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]:
    body = b"x" * size

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("HTTP_IF_NONE_MATCH") == ETAG:
            start_response("304 Not Modified", [("ETag", ETAG)])
            return [b""]
        start_response(
            "200 OK",
            [("Content-Type", "text/calendar; charset=utf-8"), ("Content-Length", str(size)), ("ETag", ETAG)],
        )
        return [body]

    return app


if __name__ == "__main__":
    waitress.serve(
        make_app(int(sys.argv[2])), host="127.0.0.1", port=int(sys.argv[1]), threads=8, _quiet=True
    )
