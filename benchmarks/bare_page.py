"""The yardstick for the portal's pages: a bare Flask app answering one fixed page (a file's
bytes) at /, started as `rehab-planner serve` starts its server (planner.web.listening_server,
the same waitress options and threads), in a process of its own. Run by benchmarks/portal_scale.py.

    python benchmarks/bare_page.py PORT FILE
"""

from __future__ import annotations

import sys
from pathlib import Path

from flask import Flask, Response

from planner.app.settings import Settings
from planner.web import listening_server

READY = "Serving the bare page on"


def main(port: int, body: bytes) -> None:
    web = Flask("bare")
    web.add_url_rule("/", "page", lambda: Response(body, mimetype="text/html"))
    server = listening_server(web, Settings(), host="127.0.0.1", port=port, threads=8)
    print(f"{READY} {port}", file=sys.stderr, flush=True)
    server.run()


if __name__ == "__main__":
    main(int(sys.argv[1]), Path(sys.argv[2]).read_bytes())
