"""Bytecode shared between the bakes' virtualenvs: a new one starts with what others compiled.

Each bake gets a virtualenv of its own, and Python compiles an installed module's bytecode the
first time a process imports it: 10 to 13 s of CPU per virtualenv for Django, DRF, pytest,
Schemathesis and the rest (a fresh bake's first `manage.py check` takes 7.6 s, the next 2.2 s;
its first test collection 11.8 s, the next 4.0 s). uv installs each file as a hard link to one
copy in its cache, so a module is the same file (the same inode) in every bake that installs
that version of its package.

A virtualenv whose commands have run gives its bytecode to a store, filed under the inode of the
source it was compiled from, once its header shows it was compiled from that file as it is (its
modification time and size). A new virtualenv takes, for each of its modules, the store's
bytecode for that very file. A module whose file is a copy rather than a link, or that no earlier
virtualenv compiled, is compiled as Python always does. Links, not copies: a process that
rewrites a bytecode file replaces it (Python writes a new file and renames it), so what another
virtualenv or the store holds is never changed.
"""

import contextlib
import os
import struct
from pathlib import Path

# PEP 552's header: magic number, flags, then the source's modification time and size (flags 0)
# or a hash of its text (flags 3: checked by every reader, as pytest writes its rewritten test
# and plugin modules), each 4 bytes.
HEADER = struct.Struct("<4sIII")
CHECKED_HASH = 0b11


def site_packages(venv: Path) -> Path:
    (found,) = venv.glob("lib/python3.*/site-packages")
    return found


def compiled_from(bytecode: Path, source: os.stat_result) -> bool:
    """Whether `bytecode` is valid for `source` as it is, or says that its reader checks it."""
    with bytecode.open("rb") as file:
        header = file.read(HEADER.size)
    if len(header) < HEADER.size:
        return False
    _, flags, mtime, size = HEADER.unpack(header)
    if flags == CHECKED_HASH:
        return True
    return flags == 0 and (mtime, size) == (
        int(source.st_mtime) & 0xFFFFFFFF,
        source.st_size & 0xFFFFFFFF,
    )


def give_bytecode(venv: Path, store: Path) -> int:
    """File the bytecode of `venv`'s installed modules in `store`; return how many were new."""
    store.mkdir(exist_ok=True)
    given = 0
    for cache in site_packages(venv).rglob("__pycache__"):
        for bytecode in cache.glob("*.pyc"):
            module, kind = bytecode.name.split(".", 1)  # kind: "cpython-313.pyc", or the same
            source = cache.parent / f"{module}.py"  # with "-pytest-9.2.0" (assertions rewritten)
            try:
                stat = source.stat()
                if compiled_from(bytecode, stat):
                    os.link(bytecode, store / f"{stat.st_ino}.{kind}")
                    given += 1
            except (FileNotFoundError, FileExistsError):
                continue  # no source beside it, or already in the store
    return given


def take_bytecode(venv: Path, store: Path) -> int:
    """Link the store's bytecode of each of `venv`'s installed modules; return how many."""
    kinds: dict[int, list[str]] = {}  # source inode -> "cpython-313.pyc", ...
    for stored in store.iterdir() if store.is_dir() else []:
        inode, kind = stored.name.split(".", 1)
        kinds.setdefault(int(inode), []).append(kind)
    taken = 0
    for directory, _, names in os.walk(site_packages(venv)):
        for name in names:
            if not name.endswith(".py"):
                continue
            source = Path(directory, name)
            inode = source.stat().st_ino
            if inode not in kinds:
                continue
            cache = source.parent / "__pycache__"
            cache.mkdir(exist_ok=True)
            for kind in kinds[inode]:
                with contextlib.suppress(FileExistsError):
                    os.link(store / f"{inode}.{kind}", cache / f"{source.stem}.{kind}")
                    taken += 1
    return taken
