"""Run a command in a bake with a time bound, and report how it ended."""

import contextlib
import functools
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

TAIL_LINES = 80
# Git run the same way on every machine: no global or system configuration (it could set
# core.hooksPath, which `prek install` refuses, or sign commits), and a fixed identity.
GIT_ENV = {
    "GIT_CONFIG_GLOBAL": "/dev/null",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Template Tests",
    "GIT_AUTHOR_EMAIL": "tests@example.com",
    "GIT_COMMITTER_NAME": "Template Tests",
    "GIT_COMMITTER_EMAIL": "tests@example.com",
}


def git(*args: str | Path, cwd: Path) -> str:
    """What a git command prints; it must succeed within two minutes."""
    return subprocess.run(
        ["git", *map(str, args)],
        cwd=cwd,
        env=os.environ | GIT_ENV,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout


@functools.cache
def offline_prefix() -> tuple[str, ...]:
    """`unshare --net` where this process may use it (root on Linux): the tool sees no network."""
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "--net", "true"], check=False).returncode == 0:
        return (unshare, "--net")
    return ()


@dataclass(frozen=True)
class Ran:
    """A finished (or timed-out) command, with its output also kept in `log`."""

    command: str
    returncode: int | None  # None: killed at its timeout
    output: str
    seconds: float
    log: Path

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def expect_success(self) -> None:
        """Fail the test with how the command ended and the tail of its output."""
        if self.ok:
            return
        ended = (
            "timed out" if self.returncode is None else f"exited {self.returncode}"
        ) + f" after {self.seconds:.0f} s"
        tail = "\n".join(self.output.splitlines()[-TAIL_LINES:])
        pytest.fail(
            f"`{self.command}` {ended}; last {TAIL_LINES} lines of {self.log}:\n{tail}",
            pytrace=False,
        )


def start_in_group(
    command: Sequence[str | Path],
    cwd: Path,
    env: Mapping[str, str],
    log: Path,
    stderr_log: Path | None = None,
) -> subprocess.Popen[bytes]:
    """Start `command` in a process group of its own, with no stdin; stdout goes to `log`, and
    stderr too unless `stderr_log` is given. Stop it with `stop_groups`."""
    with log.open("wb") as out, (stderr_log or log).open("ab") as err:
        return subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT if stderr_log is None else err,
            start_new_session=True,
        )


def stop_groups(processes: Sequence[subprocess.Popen[bytes]], timeout: float = 15) -> None:
    """SIGTERM to each process group at once (graceful shutdowns side by side), then, after
    `timeout` seconds in all, SIGKILL to what is left."""
    for process in processes:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for process in reversed(processes):
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(max(0.0, deadline - time.monotonic()))
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # stragglers of the group, if any
        process.wait()


def tail(log: Path, characters: int = 4000) -> str:
    """The end of a process's log, and of the stderr log beside it (start_in_group's)."""
    logs = (log, log.with_name(f"{log.stem}-stderr.log"))
    return "\n".join(
        f"--- {path.name} ---\n{path.read_text(errors='replace')[-characters:]}"
        for path in logs
        if path.exists()
    )


def run_bounded(
    command: Sequence[str | Path], cwd: Path, env: Mapping[str, str], timeout: float, log: Path
) -> Ran:
    """Run `command` with stdout and stderr in `log`; stop its whole process group at `timeout`.

    Killing the group leaves no grandchild (uv, pytest, mypy) running after the test.
    """
    started = time.monotonic()
    process = start_in_group(command, cwd, env, log)
    try:
        returncode: int | None = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        stop_groups([process], timeout=0)
        returncode = None
    return Ran(
        command=" ".join(map(str, command)),
        returncode=returncode,
        output=log.read_text(encoding="utf-8", errors="replace"),
        seconds=time.monotonic() - started,
        log=log,
    )
