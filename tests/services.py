"""Real servers for the integration tests: Redis, PostgreSQL and a mail sink on 127.0.0.1.

Each is started by a fixture, answers before the fixture returns, and is stopped when the
fixture ends. Ports come from below 32768, where outgoing connections never collide with them.
A missing server binary skips the test with the install command, unless
TEMPLATE_TESTS_REQUIRE_SERVICES=1 (set by CI) turns that into a failure.
"""

import contextlib
import email
import os
import random
import re
import shutil
import socket
import socketserver
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import pytest

from tests.runner import start_in_group, stop_groups, tail

# allauth's emails show a code on a line of its own: "RKSP-XQNP" for a password reset.
EMAILED_CODE = re.compile(r"^([A-Z0-9]{3,}(?:-[A-Z0-9]+)?)\r?$", re.MULTILINE)
START_TIMEOUT = 30  # seconds a server may take to answer
MAIL_TIMEOUT = 60  # seconds the mail server waits for the next line of a conversation
STOP_TIMEOUT = 10


def require(binary: str, install_hint: str) -> str:
    path = shutil.which(binary)
    if path:
        return path
    message = f"{binary} is not installed ({install_hint})"
    if os.environ.get("TEMPLATE_TESTS_REQUIRE_SERVICES") == "1":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def free_port() -> int:
    """A loopback port below 32768 that nothing listens on right now."""
    for _ in range(100):
        port = random.randint(20000, 32000)  # noqa: S311  # not cryptography
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port between 20000 and 32000")


def wait_until_listening(port: int, process: subprocess.Popen[bytes], name: str, log: Path) -> None:
    """Wait until something listens on `port`; fail with `log`'s tail if `process` exits or
    START_TIMEOUT passes first."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    ended = f"exited with {process.returncode}" if process.poll() is not None else "timed out"
    pytest.fail(f"{name} {ended} before listening on port {port}\n{tail(log)}", pytrace=False)


@contextlib.contextmanager
def redis_server() -> Iterator[str]:
    """Yield the URL of a throwaway Redis (no persistence) on 127.0.0.1."""
    binary = require("redis-server", "apt-get install redis-server")
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="redis-") as workdir:
        command = [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", ""]
        command += ["--appendonly", "no", "--dir", workdir]
        log = Path(workdir, "redis.log")
        process = start_in_group(command, Path(workdir), os.environ, log)
        try:
            wait_until_listening(port, process, "redis-server", log)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            stop_groups([process], STOP_TIMEOUT)


def as_postgres_user(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: drop to the postgres user when we are root."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """Yield the URL of database `app` in a throwaway PostgreSQL cluster on 127.0.0.1."""
    initdb = require("initdb", "PostgreSQL server binaries, e.g. apt-get install postgresql")
    pg_ctl = require("pg_ctl", "PostgreSQL server binaries")
    port = free_port()
    datadir = Path(tempfile.mkdtemp(prefix="pg-"))
    if os.geteuid() == 0:
        shutil.chown(datadir, "postgres", "postgres")
    run = {"check": True, "capture_output": True, "timeout": START_TIMEOUT * 2}
    try:
        subprocess.run(
            as_postgres_user([initdb, "-D", str(datadir / "data"), "-A", "trust", "-U", "app"]),
            **run,
        )
        options = f"-p {port} -k {datadir} -c listen_addresses=127.0.0.1 -c fsync=off"
        start = [pg_ctl, "-D", str(datadir / "data"), "-o", options, "-l", str(datadir / "log")]
        subprocess.run(as_postgres_user([*start, "-w", "start"]), **run)
        try:
            subprocess.run(
                as_postgres_user(
                    ["createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "app", "app"]
                ),
                **run,
            )
            yield f"postgres://app@127.0.0.1:{port}/app"
        finally:
            stop_cluster = [pg_ctl, "-D", str(datadir / "data"), "-m", "immediate", "stop"]
            subprocess.run(as_postgres_user(stop_cluster), check=False, timeout=STOP_TIMEOUT * 3)
    finally:
        shutil.rmtree(datadir, ignore_errors=True)


class SmtpSink:
    """An SMTP server on 127.0.0.1 that keeps every message it accepts.

    `hold(address)` makes it stall on the first message to `address`: it reads the message and
    never acknowledges it, as a slow server would, so the sender is caught mid-send. A message
    never acknowledged is not delivered (SMTP's rule), whatever happens to the sender.
    """

    def __init__(self) -> None:
        self.accepted: list[tuple[tuple[str, ...], bytes]] = []
        self.held_for: str | None = None
        self.holding = threading.Event()
        self.closing = threading.Event()
        sink = self

        class Session(socketserver.StreamRequestHandler):
            timeout = MAIL_TIMEOUT

            def handle(self) -> None:
                sink.converse(self.rfile, self.wfile)

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Session)
        self.server.daemon_threads = True
        self.url = f"smtp://127.0.0.1:{self.server.server_address[1]}"

    def hold(self, address: str) -> None:
        self.held_for = address

    def delivered_to(self, address: str) -> int:
        return sum(address in recipients for recipients, _ in self.accepted)

    def code_sent_to(self, address: str, since: int = 0) -> str:
        """The code (password reset, address verification) in the first message to `address`
        from the `since`-th accepted one on, waiting for the sender (a worker) to send it."""
        deadline = time.monotonic() + MAIL_TIMEOUT
        while time.monotonic() < deadline:
            for recipients, raw in self.accepted[since:]:
                body = email.message_from_bytes(raw).get_payload(decode=True)
                found = EMAILED_CODE.search(body.decode()) if isinstance(body, bytes) else None
                if address in recipients and found:
                    return found[1]
            time.sleep(0.2)
        pytest.fail(f"no code emailed to {address}: {self.accepted[since:]}")

    def converse(self, rfile: BinaryIO, wfile: BinaryIO) -> None:
        def reply(line: str) -> None:
            wfile.write(line.encode() + b"\r\n")
            wfile.flush()

        reply("220 sink ready")
        recipients: list[str] = []
        while line := rfile.readline():
            verb = line[:4].upper()
            if verb == b"RCPT":
                recipients.append(line.decode().partition("<")[2].partition(">")[0])
                reply("250 OK")
            elif verb == b"DATA":
                reply("354 End data with <CR><LF>.<CR><LF>")
                message = b""
                while (chunk := rfile.readline()) not in (b".\r\n", b""):
                    message += chunk
                if self.held_for in recipients and not self.holding.is_set():
                    self.holding.set()
                    self.closing.wait()  # never acknowledged: not delivered
                    return
                self.accepted.append((tuple(recipients), message))
                recipients = []
                reply("250 OK: delivered")
            elif verb == b"QUIT":
                reply("221 Bye")
                return
            else:  # EHLO, HELO, MAIL, RSET, NOOP
                recipients = [] if verb == b"MAIL" else recipients
                reply("250 OK")


@contextlib.contextmanager
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    thread = threading.Thread(target=sink.server.serve_forever, name="smtp-sink", daemon=True)
    thread.start()
    try:
        yield sink
    finally:
        sink.closing.set()
        sink.server.shutdown()
        sink.server.server_close()
