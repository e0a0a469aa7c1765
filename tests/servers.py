"""Real server processes in tests: a free loopback port, and waiting for `serve` to listen.

`serve` prints "Serving feeds on ..." only once its socket is bound, so a test reads that line and
connects at once: it waits on the event itself, never on a clock."""

from __future__ import annotations

import os
import socket
import subprocess
import threading

from planner.cli.root import TEST_NOW_ENV

READY = "Serving feeds on"
# Every command line a test runs, in process or as a process, lives at this instant (a day after
# the dates the tests use), so no test depends on the day it runs.
CLI_NOW = "2026-12-01T12:00:00+00:00"


def cli_env(**extra: str) -> dict[str, str]:
    """The environment for a command-line process in a test: this one's, at CLI_NOW."""
    return {**os.environ, TEST_NOW_ENV: CLI_NOW, **extra}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def serving(server: subprocess.Popen[str]) -> list[str]:
    """The lines `serve` printed up to its readiness line; its stderr is then drained in the
    background so it never blocks on a full pipe. AssertionError if it ended first."""
    assert server.stderr is not None
    lines: list[str] = []
    for line in server.stderr:
        lines.append(line)
        if line.startswith(READY):
            threading.Thread(target=server.stderr.read, daemon=True).start()
            return lines
    raise AssertionError(f"serve ended before it listened: {''.join(lines)[-500:]}")
