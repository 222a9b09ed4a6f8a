"""Fuzz tests: `make fuzz` and `make test` run them (see fuzz/conftest.py)."""

import os

# Generated examples per API operation; the Makefile passes its FUZZ_EXAMPLES.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))
