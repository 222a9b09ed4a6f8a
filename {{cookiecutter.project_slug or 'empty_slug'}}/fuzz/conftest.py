"""The fuzz tests run on Schemathesis' pytest plugin, which the quick loop leaves unloaded."""

import pytest


def pytest_configure(config: pytest.Config) -> None:
    if not config.pluginmanager.has_plugin("schemathesis"):
        message = "fuzz/ needs Schemathesis' pytest plugin: run `make fuzz`, or add -p schemathesis"
        raise pytest.UsageError(message)
