"""The network as the outbound client (``core.http``) sees it, stood in for: a resolver that answers
from a script (a different answer each time, if asked: DNS rebinding), and a connector that never
leaves this machine. Everything else (HTTP, TLS, redirects, caps, deadlines) runs for real, over real
sockets to servers on loopback addresses.

A public address the tests use (``PUBLIC``) is routed to a local server by ``network.route``: the
client connects to "93.184.215.14" as far as it knows, and the test sees which address it chose.
A connection to any other address that is not loopback fails the test: no traffic leaves.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest

from core import http
from tests.support.background import LocalServer

PUBLIC = "93.184.215.14"
PUBLIC_TOO = "93.184.215.15"


@dataclass
class Network:
    answers: dict[str, list[list[str]]] = field(default_factory=dict)
    lookups: list[str] = field(default_factory=list)  # every name the client resolved, in order
    connections: list[tuple[str, int]] = field(default_factory=list)  # every (address, port) it connected to
    routes: dict[str, tuple[str, int]] = field(default_factory=dict)

    def answer(self, name: str, *answers: list[str]) -> None:
        """``name`` resolves to the first answer, then the next on the next lookup, the last repeating."""
        self.answers[name] = [list(a) for a in answers]

    def route(self, address: str, server: LocalServer) -> None:
        """Connections to ``address`` reach ``server`` (on a loopback address) instead."""
        self.routes[address] = (server.httpd.server_address[0], server.port)

    def getaddrinfo(self, host: str, port: int, *args: object, **kwargs: object) -> list:
        self.lookups.append(host)
        script = self.answers.get(host)
        if script is None:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        answer = script.pop(0) if len(script) > 1 else script[0]
        return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in answer]

    def open_socket(self, address: str, port: int, timeout: float) -> socket.socket:
        self.connections.append((address, port))
        if address in self.routes:
            address, port = self.routes[address]
        elif not ipaddress.ip_address(address.split("%")[0]).is_loopback:
            pytest.fail(f"The client connected to {address}: a test never sends traffic off this machine.")
        return socket.create_connection((address, port), timeout=timeout)


@pytest.fixture
def network(monkeypatch) -> Network:
    net = Network()
    monkeypatch.setattr(http, "getaddrinfo", net.getaddrinfo)
    monkeypatch.setattr(http, "open_socket", net.open_socket)
    return net


@pytest.fixture
def no_private(settings) -> None:
    """Production's rule: private, loopback and other local addresses are refused."""
    settings.FOGWATCH_FETCH_ALLOW_PRIVATE = False


def start(server: LocalServer) -> LocalServer:
    server.thread.start()
    return server


def stop(server: LocalServer) -> None:
    server.httpd.shutdown()
    server.httpd.server_close()


@pytest.fixture
def servers() -> Iterator[Callable[[str], LocalServer]]:
    """Start local servers on any loopback address: ``servers("127.0.0.2")``."""
    started: list[LocalServer] = []

    def make(host: str = "127.0.0.1") -> LocalServer:
        started.append(start(LocalServer(host)))
        return started[-1]

    yield make
    for server in started:
        stop(server)


@dataclass
class TLSServer:
    server: LocalServer
    names_asked: list[str]  # the SNI of every handshake


def tls_server(certificate, *, host: str = "127.0.0.1") -> TLSServer:
    """A local HTTPS server presenting ``certificate`` (a trustme leaf), recording each client's SNI."""
    server = LocalServer(host)
    names: list[str] = []
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate.configure_cert(context)
    context.sni_callback = lambda sock, name, ctx: names.append(name) and None
    server.httpd.socket = context.wrap_socket(server.httpd.socket, server_side=True)
    server.scheme = "https"
    return TLSServer(start(server), names)
