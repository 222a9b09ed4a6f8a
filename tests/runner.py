"""Run a command in a bake with a time bound, and report how it ended."""

import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

TAIL_LINES = 80


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


def run_bounded(
    command: Sequence[str | Path], cwd: Path, env: Mapping[str, str], timeout: float, log: Path
) -> Ran:
    """Run `command` with stdout and stderr in `log`; kill its whole process group at `timeout`.

    Killing the group leaves no grandchild (uv, pytest, mypy) running after the test.
    """
    started = time.monotonic()
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            returncode: int | None = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            returncode = None
    return Ran(
        command=" ".join(map(str, command)),
        returncode=returncode,
        output=log.read_text(encoding="utf-8", errors="replace"),
        seconds=time.monotonic() - started,
        log=log,
    )
