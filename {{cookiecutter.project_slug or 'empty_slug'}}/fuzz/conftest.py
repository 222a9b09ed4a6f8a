"""The fuzz tests run on Schemathesis' and Hypothesis' pytest plugins, which the quick loop leaves
unloaded."""

import pytest

PLUGINS = ("schemathesis", "hypothesispytest")


def pytest_configure(config: pytest.Config) -> None:
    if not all(config.pluginmanager.has_plugin(name) for name in PLUGINS):
        message = "fuzz/ needs two pytest plugins: run `make fuzz`, or add " + " ".join(
            f"-p {name}" for name in PLUGINS
        )
        raise pytest.UsageError(message)
