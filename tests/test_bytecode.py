"""The bytecode that bakes' virtualenvs share (tests/bytecode.py): only ever for the very file it
was compiled from, and accepted by Python as it is."""

import os
import py_compile
import subprocess
import sys
from pathlib import Path

from tests.bytecode import give_bytecode, site_packages, take_bytecode

TAG = sys.implementation.cache_tag  # the running Python's: it imports the taken bytecode below


def make_venv(root: Path) -> Path:
    """A virtualenv's layout, as far as the store reads it: a site-packages folder."""
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    (root / "lib" / f"python{version}" / "site-packages" / "pkg").mkdir(parents=True)
    return root


def compiled(source: Path) -> Path:
    """Compile `source` as Python does on import (checked against its time and size)."""
    bytecode = source.parent / "__pycache__" / f"{source.stem}.{TAG}.pyc"
    py_compile.compile(
        str(source), str(bytecode), invalidation_mode=py_compile.PycInvalidationMode.TIMESTAMP
    )
    return bytecode


def test_a_new_venv_takes_bytecode_only_for_the_files_it_shares(tmp_path: Path) -> None:
    first, second, store = make_venv(tmp_path / "a"), make_venv(tmp_path / "b"), tmp_path / "s"
    folder = site_packages(first) / "pkg"
    shared, copied, edited = (folder / f"{name}.py" for name in ("shared", "copy", "ed"))
    for source in (shared, copied, edited):
        source.write_text(f"NAME = {source.stem!r}\n", encoding="utf-8")
        compiled(source)
    edited.write_text("NAME = 'edited after it was compiled'\n", encoding="utf-8")
    # uv links the same file into each venv; a copy is another file, whatever its contents.
    os.link(shared, site_packages(second) / "pkg" / "shared.py")
    (site_packages(second) / "pkg" / "copy.py").write_bytes(copied.read_bytes())
    os.link(edited, site_packages(second) / "pkg" / "ed.py")

    assert give_bytecode(first, store) == 2  # not ed.py's: compiled from an older text
    assert give_bytecode(first, store) == 0  # already there
    assert take_bytecode(second, store) == 1
    cache = site_packages(second) / "pkg" / "__pycache__"
    assert [path.name for path in cache.iterdir()] == [f"shared.{TAG}.pyc"]
    assert (cache / f"shared.{TAG}.pyc").stat().st_ino == (
        store / f"{shared.stat().st_ino}.{TAG}.pyc"
    ).stat().st_ino


def test_python_imports_the_taken_bytecode_without_compiling_again(tmp_path: Path) -> None:
    first, second, store = make_venv(tmp_path / "a"), make_venv(tmp_path / "b"), tmp_path / "s"
    source = site_packages(first) / "pkg" / "mod.py"
    source.write_text("import sys\nFILE = __file__\n", encoding="utf-8")
    (site_packages(first) / "pkg" / "__init__.py").write_text("", encoding="utf-8")
    compiled(source)
    give_bytecode(first, store)
    os.link(source, site_packages(second) / "pkg" / "mod.py")
    (site_packages(second) / "pkg" / "__init__.py").write_text("", encoding="utf-8")
    assert take_bytecode(second, store) == 1
    taken = site_packages(second) / "pkg" / "__pycache__" / f"mod.{TAG}.pyc"
    inode = taken.stat().st_ino

    imported = subprocess.run(
        [sys.executable, "-c", "import pkg.mod; print(pkg.mod.FILE)"],
        cwd=tmp_path,
        env={"PYTHONPATH": str(site_packages(second)), "PATH": os.environ["PATH"]},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    # The code reports the file it was imported from, not the one it was compiled from; and
    # Python kept the taken file (an invalid one it would have replaced with a new file).
    assert imported.stdout.strip() == str(site_packages(second) / "pkg" / "mod.py")
    assert taken.stat().st_ino == inode


def test_bytecode_whose_reader_checks_a_hash_is_given_as_it_is(tmp_path: Path) -> None:
    """pytest writes its rewritten modules this way: the header holds a hash of the text, not
    its time and size, and pytest checks it on every read."""
    venv, store = make_venv(tmp_path / "a"), tmp_path / "s"
    source = site_packages(venv) / "pkg" / "plugin.py"
    source.write_text("HOOKED = True\n", encoding="utf-8")
    bytecode = source.parent / "__pycache__" / f"plugin.{TAG}-pytest-9.2.0.pyc"
    py_compile.compile(
        str(source), str(bytecode), invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH
    )

    assert give_bytecode(venv, store) == 1
    assert (store / f"{source.stat().st_ino}.{TAG}-pytest-9.2.0.pyc").is_file()
