"""The egress guard itself: loopback passes, any other address fails and is named."""

from __future__ import annotations

import socket

import pytest

from tests.fixtures import egress


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "127.8.9.10", "::1", "localhost", "LOCALHOST", "[::1]", None, "", "0.0.0.0"],
)
def test_local_hosts_allowed(host):
    assert egress.is_local_host(host)


@pytest.mark.parametrize("host", ["10.0.0.1", "192.168.1.5", "8.8.8.8", "169.254.169.254", "example.org", "2001:db8::1"])
def test_remote_hosts_rejected(host):
    assert not egress.is_local_host(host)


def test_connect_to_remote_raises_and_is_recorded():
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        with pytest.raises(egress.EgressBlocked, match="192.0.2.1"):
            sock.connect(("192.0.2.1", 9))
    finally:
        sock.close()
    # Clear the record so this intentional attempt does not fail the test afterwards.
    egress._attempts.clear()


def test_lookup_of_remote_name_raises():
    with pytest.raises(egress.EgressBlocked, match="publicsuffix.org"):
        socket.getaddrinfo("publicsuffix.org", 443)
    egress._attempts.clear()


def test_loopback_server_reachable():
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        client.connect(server.getsockname())
    finally:
        client.close()
        server.close()


def test_unix_socket_allowed(tmp_path):
    path = str(tmp_path / "s.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(1)
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        client.connect(path)
    finally:
        client.close()
        server.close()
