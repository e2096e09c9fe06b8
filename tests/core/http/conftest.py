import pytest

from tests.support.background import fetch_loopback, http_server  # noqa: F401  (local servers on 127.0.0.1, reachable)
from tests.support.network import *  # noqa: F403  (the network stood in for: resolver, connector, servers)


@pytest.fixture(autouse=True)
def offline(network):
    """No test here resolves a real name or connects off this machine."""
    return network
