"""How `netweave serve` and `netweave demo` run waitress: settings for a live event's crowd,
and, for more than one CPU, several server processes sharing one listening socket.

waitress keeps every connection in one event loop and gives a thread only to a request that
has fully arrived: idle keep-alive browsers and half-sent requests cost a socket, never a
thread. One process uses one CPU, though (Python's GIL); ``--workers N`` forks N copies of
the server after the socket is bound, each serving the connections it accepts, and the
parent replaces any that dies. Measured in ``benchmarks/bench_serving.py``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import time
import traceback
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connections

__all__ = ["SPARE_FDS", "listening_socket", "run_workers", "server_options"]

#: file descriptors kept free for other uses than client sockets: database connections,
#: uploads spooled to disk, templates and static files being read
SPARE_FDS = 256
#: a worker that dies sooner than this after starting is not restarted in a tight loop
RESTART_PAUSE = 1.0


def _open_files_for(connections_wanted: int) -> int:
    """Raise this process's open-file limit towards ``connections_wanted`` sockets (plus
    spares); how many connections then fit. The usual soft limit (1024) would end the
    server's accepting long before a live event's browsers are all connected."""
    try:
        import resource  # noqa: PLC0415 - Unix only
    except ImportError:  # Windows: no such limit to raise
        return connections_wanted
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = connections_wanted + SPARE_FDS
    if soft != resource.RLIM_INFINITY and soft < wanted:
        new = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (new, hard))
            soft = new
        except (OSError, ValueError):
            pass
    if soft == resource.RLIM_INFINITY:
        return connections_wanted
    return max(1, min(connections_wanted, soft - SPARE_FDS))


def server_options(threads: int, warn: Callable[[str], None] = print) -> dict[str, Any]:
    """waitress' settings: many connections (``NETWEAVE_CONNECTION_LIMIT``; waitress' default
    of 100 stalled the server), ``poll()`` instead of ``select()`` (which fails beyond 1,024
    sockets), idle connections closed after a minute, and bodies above the upload limit
    refused from their ``Content-Length`` before a byte of them is read. Forwarded headers
    pass through untouched: :mod:`netweave.web.common.proxy` decides whom to believe."""
    wanted = settings.NETWEAVE_CONNECTION_LIMIT
    limit = _open_files_for(wanted)
    if limit < wanted:
        warn(
            f"Warning: the open-file limit allows only {limit} connections "
            f"(NETWEAVE_CONNECTION_LIMIT={wanted}); raise it with `ulimit -n`."
        )
    return {
        "threads": threads,
        "connection_limit": limit,
        "asyncore_use_poll": True,
        "backlog": 2048,
        "channel_timeout": 60,
        "cleanup_interval": 10,
        "max_request_body_size": settings.NETWEAVE_MAX_REQUEST_BYTES,
        "clear_untrusted_proxy_headers": False,
        "ident": "netweave",
    }


def listening_socket(host: str, port: int) -> socket.socket:
    """A bound, listening, non-blocking TCP socket for ``host``:``port`` (raises OSError)."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(address)
    sock.listen(2048)
    sock.setblocking(False)
    return sock


#: what stops the server; blocked around fork() so that a child never runs the parent's handler
STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT}


def _worker(sock: socket.socket, options: dict[str, Any]) -> None:
    """A forked child: serve ``sock`` until told to stop; never returns."""
    code = 0
    try:
        signal.signal(signal.SIGTERM, signal.default_int_handler)  # stop as on Ctrl+C
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)

        from waitress import create_server  # noqa: PLC0415 - after Django is set up

        from netweave.web.wsgi import application  # noqa: PLC0415 - after Django is set up

        create_server(application, sockets=[sock], **options).run()
    except KeyboardInterrupt:
        pass
    except BaseException:
        traceback.print_exc()
        code = 1
    os._exit(code)  # never back into the parent's code (click, atexit handlers)


def _spawn(sock: socket.socket, options: dict[str, Any]) -> int:
    signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child's coverage is the server itself
            _worker(sock, options)
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    return pid


def run_workers(
    sock: socket.socket, options: dict[str, Any], workers: int, say: Callable[[str], None]
) -> None:
    """Serve ``sock`` from ``workers`` forked processes until SIGTERM or Ctrl+C; a worker
    that dies is replaced. Nothing may hold a database connection or a thread at the fork:
    the parent closes its connections first and starts no threads."""
    connections.close_all()
    children: dict[int, float] = {}
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True
        for pid in children:
            _signal(pid, signal.SIGTERM)

    def start() -> None:
        pid = _spawn(sock, options)
        children[pid] = time.monotonic()
        if stopping:  # the signal came while it was being forked
            _signal(pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for _ in range(workers):
        start()
    while children:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        started = children.pop(pid, None)
        if started is None or stopping:
            continue
        say(f"A server process ({pid}) stopped unexpectedly (status {status}); restarting it.")
        time.sleep(max(0.0, RESTART_PAUSE - (time.monotonic() - started)))
        if not stopping:
            start()


def _signal(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # already gone
        os.kill(pid, signum)
