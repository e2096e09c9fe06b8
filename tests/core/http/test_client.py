"""The one outbound client: resolves once and connects to what it checked, refuses local and private
addresses in every form (and says why), checks every redirect, keeps one deadline and a size cap, and
speaks TLS to the host's name on the checked address.

Real HTTP(S) servers on loopback addresses; the resolver and the connector are stood in for
(``tests/support/network.py``), so no test leaves this machine."""

import socket
import time

import pytest
import trustme

from core import http
from core.http import fetch, post, url_refusal
from tests.support.background import Reply
from tests.support.network import PUBLIC, PUBLIC_TOO, tls_server

NAME = "feeds.example"
MB = 1_000_000


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch_(url, **kwargs):
    return fetch(url, max_bytes=kwargs.pop("max_bytes", MB), **kwargs)


# ---------------------------------------------------------------------------------------------
# Resolved once, connected to what was checked
# ---------------------------------------------------------------------------------------------


def test_a_name_that_answers_differently_the_second_time_is_reached_at_its_first_answer(network, servers, no_private):
    """DNS rebinding: public first (passes the check), then 127.0.0.1. The client connects to the
    public address it checked and never asks again."""
    public, internal = servers(), servers()
    public.routes["/feed.xml"] = Reply(200, b"<rss>public</rss>")
    internal.routes["/feed.xml"] = Reply(200, b"<rss>internal secrets</rss>")
    network.route(PUBLIC, public)
    network.answer(NAME, [PUBLIC], ["127.0.0.1"])

    result = fetch_(f"http://{NAME}:{internal.port}/feed.xml")

    assert result.ok and result.body == b"<rss>public</rss>"
    assert network.lookups == [NAME]
    assert network.connections == [(PUBLIC, internal.port)]
    assert not internal.received
    [request] = public.received
    assert request.headers["Host"] == f"{NAME}:{internal.port}"  # the name, not the address


def test_with_private_addresses_allowed_the_first_answer_is_still_the_one_reached(network, servers):
    """Real sockets, no connector stand-in: 127.0.0.2 answers first, 127.0.0.1 after."""
    first, second = servers("127.0.0.2"), servers("127.0.0.1")
    for server, body in ((first, b"first"), (second, b"second")):
        server.routes["/page"] = Reply(200, body)
    network.answer(NAME, ["127.0.0.2"], ["127.0.0.1"])
    network.routes["127.0.0.1"] = ("127.0.0.1", second.port)  # were it asked again, it would land here

    result = fetch_(f"http://{NAME}:{first.port}/page")

    assert result.ok and result.body == b"first"
    assert network.lookups == [NAME] and network.connections == [("127.0.0.2", first.port)]
    assert not second.received


def test_a_name_whose_first_answer_is_private_is_refused_before_any_connection(network, http_server, no_private):
    network.answer(NAME, ["10.0.0.1"], [PUBLIC])
    http_server.routes["/feed.xml"] = Reply(200, b"secret")

    result = fetch_(f"http://{NAME}:{http_server.port}/feed.xml")

    assert result.error == f"refused: {NAME} resolves to 10.0.0.1, a private address"
    assert result.refused and not result.transient and result.status is None and result.body == b""
    assert network.connections == [] and network.lookups == [NAME]


def test_a_name_with_one_private_address_among_public_ones_is_refused(network, no_private):
    network.answer(NAME, [PUBLIC, "169.254.169.254", PUBLIC_TOO])

    result = fetch_(f"http://{NAME}/")

    assert result.error == f"refused: {NAME} resolves to 169.254.169.254, a link-local address"
    assert network.connections == []


def test_a_name_that_does_not_resolve_is_a_transient_failure(network):
    result = fetch_("http://nowhere.example/feed.xml")

    assert result.error.startswith("Could not resolve nowhere.example") and result.transient and not result.refused


def test_a_resolver_that_does_not_answer_in_time_is_a_timeout(network, monkeypatch):
    answered = network.getaddrinfo

    def slow(*args, **kwargs):
        time.sleep(3)
        return answered(*args, **kwargs)

    monkeypatch.setattr(http, "getaddrinfo", slow)

    result = fetch_(f"http://{NAME}/feed.xml", timeout=0.5)

    assert result.error == f"Timed out after 0.5s resolving {NAME}." and result.transient
    assert network.connections == []


def test_the_next_checked_address_is_tried_when_the_first_does_not_answer(network, servers, no_private):
    public = servers()
    public.routes["/page"] = Reply(200, b"second address")
    network.route(PUBLIC_TOO, public)
    network.routes[PUBLIC] = ("127.0.0.1", free_port())  # nothing listens there: connection refused
    network.answer(NAME, [PUBLIC, PUBLIC_TOO])

    result = fetch_(f"http://{NAME}/page")

    assert result.ok and result.body == b"second address"
    assert network.connections == [(PUBLIC, 80), (PUBLIC_TOO, 80)]


# ---------------------------------------------------------------------------------------------
# Every written form of a local address is refused, and reached when the switch is on
# ---------------------------------------------------------------------------------------------

LOOPBACK_FORMS = [
    ("127.0.0.1", "refused: 127.0.0.1 is a loopback address"),
    ("2130706433", "refused: 2130706433 is 127.0.0.1, a loopback address"),
    ("0x7f000001", "refused: 0x7f000001 is 127.0.0.1, a loopback address"),
    ("0x7f.1", "refused: 0x7f.1 is 127.0.0.1, a loopback address"),
    ("017700000001", "refused: 017700000001 is 127.0.0.1, a loopback address"),
    ("127.1", "refused: 127.1 is 127.0.0.1, a loopback address"),
    ("0177.0.0.1", "refused: 0177.0.0.1 is 127.0.0.1, a loopback address"),
    ("[::1]", "refused: ::1 is a loopback address"),
    ("[::ffff:127.0.0.1]", "refused: ::ffff:127.0.0.1 is IPv4-mapped 127.0.0.1, a loopback address"),
    ("[::ffff:7f00:1]", "refused: ::ffff:7f00:1 is IPv4-mapped 127.0.0.1, a loopback address"),
]


@pytest.mark.parametrize("host, error", LOOPBACK_FORMS, ids=[h for h, _ in LOOPBACK_FORMS])
def test_loopback_in_any_written_form_is_refused(network, http_server, no_private, host, error):
    http_server.routes["/secret"] = Reply(200, b"internal")

    result = fetch_(f"http://{host}:{http_server.port}/secret")

    assert result.error == error and result.refused
    assert not http_server.received and network.connections == [] and network.lookups == []


@pytest.mark.parametrize("host", ["2130706433", "0x7f.1", "017700000001", "127.1"])
def test_loopback_written_as_numbers_is_reached_when_private_addresses_are_allowed(network, http_server, host):
    """The switch on: the same forms are read as the address they are (127.0.0.1), not resolved."""
    http_server.routes["/ok"] = Reply(200, b"local")

    result = fetch_(f"http://{host}:{http_server.port}/ok")

    assert result.ok and result.body == b"local"
    assert network.connections == [("127.0.0.1", http_server.port)] and network.lookups == []


OTHER_LOCAL = [
    ("10.0.0.1", "refused: 10.0.0.1 is a private address"),
    ("172.20.1.1", "refused: 172.20.1.1 is a private address"),
    ("192.168.0.10", "refused: 192.168.0.10 is a private address"),
    ("169.254.169.254", "refused: 169.254.169.254 is a link-local address"),
    ("0xa9fea9fe", "refused: 0xa9fea9fe is 169.254.169.254, a link-local address"),
    ("100.64.0.1", "refused: 100.64.0.1 is a shared (carrier-grade NAT) address"),
    ("0.0.0.0", "refused: 0.0.0.0 is an unspecified address"),
    ("224.0.0.251", "refused: 224.0.0.251 is a multicast address"),
    ("240.0.0.1", "refused: 240.0.0.1 is a reserved address"),
    ("[fd00::1]", "refused: fd00::1 is a private address"),
    ("[fe80::1]", "refused: fe80::1 is a link-local address"),
    ("[ff02::1]", "refused: ff02::1 is a multicast address"),
    ("[::]", "refused: :: is an unspecified address"),
    ("[64:ff9b::a00:1]", "refused: 64:ff9b::a00:1 is NAT64 10.0.0.1, a private address"),
    ("[2002:a9fe:a9fe::]", "refused: 2002:a9fe:a9fe:: is 6to4 169.254.169.254, a link-local address"),
    ("[::ffff:a9fe:a9fe]", "refused: ::ffff:a9fe:a9fe is IPv4-mapped 169.254.169.254, a link-local address"),
    ("999.0.0.1", "refused: 999.0.0.1 is not a valid IPv4 address."),
]


@pytest.mark.parametrize("host, error", OTHER_LOCAL, ids=[h for h, _ in OTHER_LOCAL])
def test_private_and_reserved_addresses_are_refused_without_a_connection(network, no_private, host, error):
    result = fetch_(f"http://{host}/latest/meta-data/")

    assert result.error == error and result.refused
    assert network.connections == []


def test_localhost_is_refused_as_what_it_resolves_to(network, no_private):
    network.answer("localhost", ["::1", "127.0.0.1"])

    result = fetch_("http://localhost:8000/admin/")

    assert result.error == "refused: localhost resolves to ::1, a loopback address"


# ---------------------------------------------------------------------------------------------
# Redirects: every hop checked (GET); never followed (POST)
# ---------------------------------------------------------------------------------------------


def test_a_redirect_to_a_private_address_is_refused_at_the_hop(network, servers, no_private):
    public, internal = servers(), servers()
    network.route(PUBLIC, public)
    network.answer(NAME, [PUBLIC])
    public.routes["/story"] = Reply(302, b"", {"Location": f"http://127.0.0.1:{internal.port}/admin"})
    internal.routes["/admin"] = Reply(200, b"internal admin")

    result = fetch_(f"http://{NAME}/story")

    assert result.error == "refused: 127.0.0.1 is a loopback address" and result.refused
    assert result.hops == [{"url": f"http://{NAME}/story", "status": 302}]
    assert result.body == b"" and not internal.received
    assert network.connections == [(PUBLIC, 80)]


def test_a_redirect_to_a_name_that_resolves_to_metadata_is_refused_at_the_hop(network, servers, no_private):
    public = servers()
    network.route(PUBLIC, public)
    network.answer(NAME, [PUBLIC])
    network.answer("metadata.example", ["169.254.169.254"])
    public.routes["/story"] = Reply(301, b"", {"Location": "http://metadata.example/latest/meta-data/"})

    result = fetch_(f"http://{NAME}/story")

    assert result.error == "refused: metadata.example resolves to 169.254.169.254, a link-local address"
    assert network.lookups == [NAME, "metadata.example"] and network.connections == [(PUBLIC, 80)]


def test_a_redirect_to_a_public_address_is_followed_and_recorded(network, servers, no_private):
    public, other = servers(), servers()
    network.route(PUBLIC, public)
    network.route(PUBLIC_TOO, other)
    network.answer(NAME, [PUBLIC])
    network.answer("mirror.example", [PUBLIC_TOO])
    public.routes["/story"] = Reply(301, b"", {"Location": "http://mirror.example/story"})
    other.routes["/story"] = Reply(200, b"the story")

    result = fetch_(f"http://{NAME}/story")

    assert result.ok and result.body == b"the story" and result.final_url == "http://mirror.example/story"
    assert result.hops == [{"url": f"http://{NAME}/story", "status": 301}]
    assert other.received[0].headers["Host"] == "mirror.example"


def test_a_post_is_never_redirected(http_server):
    http_server.routes["/hook"] = Reply(307, b"", {"Location": "/elsewhere"})
    http_server.routes["/elsewhere"] = Reply(200, b"ok")

    result = post(http_server.url("/hook"), b"{}", {"Content-Type": "application/json"}, timeout=5)

    assert result.status == 307 and not result.ok
    assert result.error == "HTTP 307: redirects are not followed."
    assert not http_server.requests_to("/elsewhere")


def test_a_post_to_a_private_address_is_refused_and_nothing_is_sent(network, http_server, no_private):
    http_server.routes["/hook"] = Reply(200, b"ok")

    result = post(http_server.url("/hook"), b"{}", {}, timeout=5)

    assert result.error == "refused: 127.0.0.1 is a loopback address" and result.refused
    assert result.status is None and not http_server.received


def test_a_post_keeps_the_status_and_drops_the_answer(http_server):
    http_server.routes["/hook"] = Reply(500, b"stack trace with internal secrets")

    result = post(http_server.url("/hook"), b'{"a":1}', {"Content-Type": "application/json"}, timeout=5)

    assert (result.status, result.error, result.body) == (500, "HTTP 500", b"")
    assert http_server.requests_to("/hook")[0].body == b'{"a":1}'


# ---------------------------------------------------------------------------------------------
# One deadline, one size cap
# ---------------------------------------------------------------------------------------------


def test_a_body_dripped_slowly_is_cut_at_the_deadline(http_server):
    """A byte every 50 ms of a 400-byte body (20 s in all): each read gets a byte in time, so only a
    deadline for the whole fetch stops it. The server sees the connection cut long before the end."""
    http_server.routes["/drip"] = Reply(200, b"x" * 400, drip=0.05)

    result = fetch_(http_server.url("/drip"), timeout=1)

    assert result.error == "Timed out after 1s reading the body." and result.transient
    assert result.status == 200 and result.body == b""
    assert http_server.sent["/drip"] < 400


def test_a_post_to_a_receiver_that_drips_its_answer_ends_at_the_deadline(http_server):
    http_server.routes["/hook"] = Reply(200, b"x" * 400, drip=0.05)

    result = post(http_server.url("/hook"), b"{}", {}, timeout=1)

    assert result.status == 200  # the status came in time; the rest of the answer is not waited for
    assert http_server.sent["/hook"] < 400


def test_the_deadline_counts_across_redirects(http_server):
    http_server.routes["/a"] = Reply(302, b"", {"Location": "/b"}, delay=0.4)
    http_server.routes["/b"] = Reply(302, b"", {"Location": "/c"}, delay=0.4)
    http_server.routes["/c"] = Reply(200, b"late", delay=0.4)

    result = fetch_(http_server.url("/a"), timeout=1)

    assert result.error == "Timed out after 1s." and result.transient
    assert [hop["status"] for hop in result.hops] == [302, 302]


@pytest.mark.parametrize("declare_length", [True, False], ids=["content-length", "no-content-length"])
def test_a_body_over_the_cap_is_not_kept(http_server, declare_length):
    http_server.routes["/big"] = Reply(200, b"x" * 300_000, declare_length=declare_length)

    result = fetch_(http_server.url("/big"), max_bytes=100_000)

    assert "100000-byte cap" in result.error and result.body == b"" and not result.transient


# ---------------------------------------------------------------------------------------------
# TLS: the certificate is checked for the host's name, on the checked address
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def authority(monkeypatch):
    ca = trustme.CA()

    def trusting():
        context = http.ssl.create_default_context()
        ca.configure_trust(context)
        return context

    monkeypatch.setattr(http, "tls_context", trusting)
    return ca


@pytest.fixture
def tls_servers():
    started = []

    def make(certificate):
        started.append(tls_server(certificate))
        return started[-1]

    yield make
    for made in started:
        made.server.httpd.shutdown()
        made.server.httpd.server_close()


def test_https_sends_the_name_and_checks_the_certificate_for_it(network, authority, tls_servers):
    site = tls_servers(authority.issue_cert(NAME))
    site.server.routes["/feed.xml"] = Reply(200, b"<rss/>")
    network.answer(NAME, ["127.0.0.1"])

    result = fetch_(f"https://{NAME}:{site.server.port}/feed.xml")

    assert result.ok and result.body == b"<rss/>", result.error
    assert site.names_asked == [NAME]  # SNI: the name, though the socket went to 127.0.0.1
    assert site.server.received[0].headers["Host"] == f"{NAME}:{site.server.port}"
    assert network.connections == [("127.0.0.1", site.server.port)]


def test_https_refuses_a_certificate_for_another_name(network, authority, tls_servers):
    site = tls_servers(authority.issue_cert("other.example"))
    site.server.routes["/feed.xml"] = Reply(200, b"<rss/>")
    network.answer(NAME, ["127.0.0.1"])

    result = fetch_(f"https://{NAME}:{site.server.port}/feed.xml")

    assert result.error.startswith("TLS certificate refused: Hostname mismatch") and not result.transient
    assert not site.server.received


# ---------------------------------------------------------------------------------------------
# Judged without the network, for forms and the API
# ---------------------------------------------------------------------------------------------

SAVE_TIME = [
    ("http://127.0.0.1:9000/hook", "refused: 127.0.0.1 is a loopback address"),
    ("http://169.254.169.254/latest/meta-data/", "refused: 169.254.169.254 is a link-local address"),
    ("https://10.0.0.1/hook", "refused: 10.0.0.1 is a private address"),
    ("http://2130706433/", "refused: 2130706433 is 127.0.0.1, a loopback address"),
    ("http://[::ffff:10.0.0.1]/", "refused: ::ffff:10.0.0.1 is IPv4-mapped 10.0.0.1, a private address"),
    ("http://localhost:8000/", "refused: localhost names this machine"),
    ("http://api.localhost/", "refused: api.localhost names this machine"),
    ("ftp://files.example/", "Only http and https URLs are fetched, not 'ftp://files.example/'."),
    ("https://hooks.example/fogwatch", ""),
    ("https://93.184.215.14/hook", ""),
]


@pytest.mark.parametrize("url, why", SAVE_TIME, ids=[u for u, _ in SAVE_TIME])
def test_a_url_is_judged_without_resolving_it(network, no_private, url, why):
    assert url_refusal(url) == why
    assert network.lookups == []


def test_with_private_addresses_allowed_no_url_is_refused_for_its_address():
    assert url_refusal("http://127.0.0.1:9000/hook") == ""
