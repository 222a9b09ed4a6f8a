"""Instructions the web process runs per request, counted by valgrind (not a test).

Throughput on a shared machine moves with whatever else runs on its host; the number of
instructions a request takes does not. One Python process serves the same signed-in request
through Django's WSGI handler (no server, no network), under valgrind's cachegrind with its cache
simulation off: it counts every instruction executed. It runs twice, with BASE and with
BASE + MORE requests: the difference, over MORE, is one request's cost with start-up, imports and
first-use caches taken out. PostgreSQL's and Redis's own work is not in it; the round trips per
request say how much of that there is.

Needs valgrind (Debian package `valgrind`); without it, the count is skipped.
"""

import re
import shutil
import subprocess
from pathlib import Path

BASE, MORE = 100, 200

SERVE = """\
import io, sys
import django
django.setup()
from django.core.handlers.wsgi import WSGIHandler
from django.test import RequestFactory
url, header, value, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
environ = RequestFactory().get(
    url, HTTP_HOST="example.com", HTTP_X_FORWARDED_PROTO="https", **{header: value}
).environ
handler = WSGIHandler()
for _ in range(count):
    response = handler(environ | {"wsgi.input": io.BytesIO()}, lambda status, headers: None)
    response.close()  # ends the request, as gunicorn does
    assert response.status_code == 200, response.status_code
"""


def available() -> bool:
    return shutil.which("valgrind") is not None


def executed(project: Path, env: dict[str, str], arguments: list[str]) -> int:
    """Instructions executed by one run of SERVE in the project's virtualenv."""
    command = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"]
    command += [str(project / ".venv" / "bin" / "python"), "-c", SERVE, *arguments]
    ran = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, check=False)
    found = re.search(r"I\s+refs:\s+([\d,]+)", ran.stderr)
    if ran.returncode or not found:
        raise SystemExit(f"counting instructions failed:\n{ran.stderr[-3000:]}")
    return int(found[1].replace(",", ""))


def per_request(project: Path, env: dict[str, str], url: str, header: str, value: str) -> float:
    """Instructions one request to `url` takes, sent with `header` (a WSGI name) set to `value`."""
    few, many = (
        executed(project, env, [url, header, value, str(count)]) for count in (BASE, BASE + MORE)
    )
    return (many - few) / MORE
