"""Which addresses the outbound client refuses, and how it reads hosts written as numbers: a table, no
database, no network."""

from ipaddress import ip_address

import pytest

from core.addresses import NotAnAddress, literal_address, local_name, refusal

REFUSED = [
    # IPv4
    ("10.0.0.1", "a private address"),
    ("172.16.0.1", "a private address"),
    ("172.31.255.254", "a private address"),
    ("192.168.1.1", "a private address"),
    ("127.0.0.1", "a loopback address"),
    ("127.255.255.254", "a loopback address"),
    ("169.254.169.254", "a link-local address"),
    ("100.64.0.1", "a shared (carrier-grade NAT) address"),
    ("100.127.255.254", "a shared (carrier-grade NAT) address"),
    ("0.0.0.0", "an unspecified address"),
    ("0.1.2.3", "an unspecified address"),
    ("224.0.0.1", "a multicast address"),
    ("239.255.255.250", "a multicast address"),
    ("240.0.0.1", "a reserved address"),
    ("255.255.255.255", "a reserved address"),
    ("192.0.0.8", "a reserved address"),
    ("192.0.2.10", "a reserved address"),
    ("198.18.0.1", "a reserved address"),
    ("198.51.100.7", "a reserved address"),
    ("203.0.113.9", "a reserved address"),
    # IPv6
    ("::1", "a loopback address"),
    ("::", "an unspecified address"),
    ("fd00::1", "a private address"),
    ("fc12:3456::1", "a private address"),
    ("fec0::1", "a private address"),
    ("fe80::1", "a link-local address"),
    ("ff02::1", "a multicast address"),
    ("2001:db8::1", "a reserved address"),
    ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "a reserved address"),  # Teredo
    ("100::1", "a reserved address"),
    ("4000::1", "a reserved address"),  # outside global unicast
    ("64:ff9b:1::a00:1", "a private address"),
    # IPv6 carrying an IPv4 address
    ("::ffff:127.0.0.1", "IPv4-mapped 127.0.0.1, a loopback address"),
    ("::ffff:7f00:1", "IPv4-mapped 127.0.0.1, a loopback address"),
    ("::ffff:10.0.0.1", "IPv4-mapped 10.0.0.1, a private address"),
    ("::ffff:169.254.169.254", "IPv4-mapped 169.254.169.254, a link-local address"),
    ("::127.0.0.1", "IPv4-compatible 127.0.0.1, a loopback address"),
    ("::8.8.8.8", "a reserved address"),  # IPv4-compatible is deprecated: nothing routes it
    ("64:ff9b::10.0.0.1", "NAT64 10.0.0.1, a private address"),
    ("64:ff9b::a9fe:a9fe", "NAT64 169.254.169.254, a link-local address"),
    ("2002:7f00:1::", "6to4 127.0.0.1, a loopback address"),
    ("2002:c0a8:101::1", "6to4 192.168.1.1, a private address"),
    ("::ffff:0:a00:1", "a reserved address"),  # IPv4-translated
]

ALLOWED = [
    "93.184.215.14",
    "8.8.8.8",
    "100.63.255.255",  # just below the shared space
    "100.128.0.0",  # just above it
    "172.32.0.1",  # just above 172.16/12
    "2606:4700::6810:84e5",
    "::ffff:93.184.215.14",  # IPv4-mapped public
    "64:ff9b::5db8:d70e",  # NAT64 of a public address
    "2002:5db8:d70e::1",  # 6to4 of a public address
]


@pytest.mark.parametrize("address, why", REFUSED, ids=[a for a, _ in REFUSED])
def test_refused_addresses_say_why(address, why):
    assert refusal(ip_address(address)) == why


@pytest.mark.parametrize("address", ALLOWED)
def test_public_addresses_are_allowed(address):
    assert refusal(ip_address(address)) == ""


NUMERIC_HOSTS = [
    ("2130706433", "127.0.0.1"),  # one 32-bit number
    ("0x7f000001", "127.0.0.1"),
    ("017700000001", "127.0.0.1"),  # octal
    ("0x7f.1", "127.0.0.1"),  # two parts: 8 bits and 24
    ("127.1", "127.0.0.1"),
    ("127.0.1", "127.0.0.1"),  # three parts: 8, 8 and 16 bits
    ("0177.0.0.01", "127.0.0.1"),
    ("0xA9.0xFE.0xA9.0xFE", "169.254.169.254"),
    ("167772161", "10.0.0.1"),
    ("10.0.0.1", "10.0.0.1"),
    ("127.0.0.1.", "127.0.0.1"),  # a trailing dot changes nothing
    ("0", "0.0.0.0"),
    ("::1", "::1"),
    ("::ffff:127.0.0.1", "::ffff:127.0.0.1"),
    ("fe80::1%eth0", "fe80::1"),
]


@pytest.mark.parametrize("host, address", NUMERIC_HOSTS)
def test_hosts_written_as_numbers_are_the_address_they_are(host, address):
    assert literal_address(host) == ip_address(address)


@pytest.mark.parametrize("host", ["example.org", "feeds.example", "1.2.3.4.nip.io", "0x7f.example", "08.1.2.3", "a1"])
def test_names_are_left_to_resolve(host):
    assert literal_address(host) is None


@pytest.mark.parametrize("host", ["256.0.0.1", "1.2.3.256", "0x100000000", "4294967296", "127.0.65536", "1::2::3"])
def test_numbers_that_are_no_address_are_refused(host):
    with pytest.raises(NotAnAddress):
        literal_address(host)


@pytest.mark.parametrize("host", ["localhost", "LOCALHOST.", "api.localhost", "ip6-localhost"])
def test_names_of_this_machine(host):
    assert local_name(host)


def test_names_merely_containing_localhost_are_other_machines():
    assert not local_name("localhost.example.org") and not local_name("notlocalhost")
