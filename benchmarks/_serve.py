"""What the server benchmarks share: a free port, Django set-up scripts in a subprocess, and
``netweave serve`` started in its own process and stopped when done."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_django(script: str, env: dict[str, str], *args: str) -> str:
    """Run ``script`` (which calls ``django.setup()``) in a fresh interpreter; its stdout."""
    done = subprocess.run(
        [sys.executable, "-c", script, *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(f"a set-up step failed:\n{done.stderr[-3000:]}")
    return done.stdout


def waitress_defaults(port: int, threads: int) -> list[str]:
    """The command of a baseline: the same app under waitress with its default settings
    (what `netweave serve` ran before it set its own, issue 10)."""
    return [
        sys.executable,
        "-m",
        "waitress",
        f"--threads={threads}",
        "--host=127.0.0.1",
        f"--port={port}",
        "netweave.web.wsgi:application",
    ]


@contextlib.contextmanager
def serving(
    env: dict[str, str], port: int, threads: int, command: list[str] | None = None
) -> Iterator[str]:
    """``netweave serve`` (or ``command``) on 127.0.0.1:``port`` until the block ends;
    yields its base URL.

    The server's output goes to a temporary file, read only if it stops: a pipe nobody
    reads fills up after 64 KiB of log lines and then blocks the server mid-benchmark.
    """
    netweave = [sys.executable, "-m", "netweave", "serve", "--port", str(port)]
    with tempfile.TemporaryFile("w+") as log:
        proc = subprocess.Popen(
            command or [*netweave, "--threads", str(threads)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
            text=True,
        )
        try:
            for _ in range(150):
                if proc.poll() is not None:
                    log.seek(0)
                    raise SystemExit(f"the server stopped: {log.read()[-2000:]}")
                with contextlib.suppress(OSError):
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                time.sleep(0.1)
            yield f"http://127.0.0.1:{port}"
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
