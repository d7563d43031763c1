"""Test-wide settings: quiet, known third-party warnings, and no network for unit tests."""
import logging
import socket

import pytest

logging.getLogger("jieba").setLevel(logging.ERROR)


@pytest.fixture(autouse=True)
def no_network(monkeypatch, request):
    """Unit tests must not reach the network; notebooks run in their own kernels."""
    if request.node.path.suffix == ".py":
        def refuse(*args, **kwargs):
            raise OSError("network access attempted during a test")
        monkeypatch.setattr(socket.socket, "connect", refuse)
