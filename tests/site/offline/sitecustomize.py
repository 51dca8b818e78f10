"""Make a kernel's process offline (tests/site/test_downloads.py): every connection fails at once."""

import socket


def _offline(*args, **kwargs):
    raise OSError("network disabled for this test (tests/site/offline)")


socket.create_connection = _offline
socket.getaddrinfo = _offline
socket.socket.connect = _offline
