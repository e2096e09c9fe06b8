"""Which addresses the outbound client (``core.http``) refuses to reach, and why.

Pure functions over :mod:`ipaddress`: no Django, no network. A host is judged by the address the
client will connect to, never by its name:

- IPv4: private (10/8, 172.16/12, 192.168/16), loopback (127/8), link-local (169.254/16), shared
  carrier-grade NAT (100.64/10), multicast (224/4), unspecified ("this network", 0/8), and the
  reserved blocks (IETF assignments, documentation, benchmarking, 240/4 and the broadcast address).
- IPv6: only global unicast (2000::/3) is reached, less its special blocks (Teredo and the other
  IETF assignments in 2001::/23, documentation); unique-local (fc00::/7), site-local, link-local,
  multicast, loopback and unspecified are refused by name. An IPv6 address that carries an IPv4
  one (IPv4-mapped ``::ffff:a.b.c.d``, IPv4-compatible ``::a.b.c.d``, NAT64 ``64:ff9b::a.b.c.d``,
  6to4 ``2002:aabb:ccdd::``) is judged by the IPv4 address it carries as well.
- Host names written as numbers (``2130706433``, ``0x7f.1``, ``017700000001``, ``127.1``) are read
  the way ``inet_aton`` reads them, so they are judged as the address they are.
"""

from __future__ import annotations

import re
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address

IPAddress = IPv4Address | IPv6Address

PRIVATE = "a private address"
LOOPBACK = "a loopback address"
LINK_LOCAL = "a link-local address"
SHARED = "a shared (carrier-grade NAT) address"
MULTICAST = "a multicast address"
UNSPECIFIED = "an unspecified address"
RESERVED = "a reserved address"

_V4_RULES: tuple[tuple[IPv4Network, str], ...] = tuple(
    (IPv4Network(network), why)
    for network, why in (
        ("0.0.0.0/8", UNSPECIFIED),  # "this network"
        ("10.0.0.0/8", PRIVATE),
        ("100.64.0.0/10", SHARED),
        ("127.0.0.0/8", LOOPBACK),
        ("169.254.0.0/16", LINK_LOCAL),
        ("172.16.0.0/12", PRIVATE),
        ("192.0.0.0/24", RESERVED),  # IETF protocol assignments
        ("192.0.2.0/24", RESERVED),  # documentation (TEST-NET-1)
        ("192.88.99.0/24", RESERVED),  # 6to4 relay anycast, deprecated
        ("192.168.0.0/16", PRIVATE),
        ("198.18.0.0/15", RESERVED),  # benchmarking
        ("198.51.100.0/24", RESERVED),  # documentation (TEST-NET-2)
        ("203.0.113.0/24", RESERVED),  # documentation (TEST-NET-3)
        ("224.0.0.0/4", MULTICAST),
        ("240.0.0.0/4", RESERVED),  # future use, and 255.255.255.255 (broadcast)
    )
)

_V6_RULES: tuple[tuple[IPv6Network, str], ...] = tuple(
    (IPv6Network(network), why)
    for network, why in (
        ("::/128", UNSPECIFIED),
        ("::1/128", LOOPBACK),
        ("64:ff9b:1::/48", PRIVATE),  # local-use NAT64
        ("100::/64", RESERVED),  # discard-only
        ("2001::/23", RESERVED),  # IETF protocol assignments, Teredo among them
        ("2001:db8::/32", RESERVED),  # documentation
        ("3fff::/20", RESERVED),  # documentation
        ("5f00::/16", RESERVED),  # segment routing
        ("fc00::/7", PRIVATE),  # unique local
        ("fe80::/10", LINK_LOCAL),
        ("fec0::/10", PRIVATE),  # site-local, deprecated
        ("ff00::/8", MULTICAST),
    )
)

_GLOBAL_UNICAST = IPv6Network("2000::/3")
_MAPPED = IPv6Network("::ffff:0:0/96")
_COMPATIBLE = IPv6Network("::/96")
_NAT64 = IPv6Network("64:ff9b::/96")
_SIX_TO_FOUR = IPv6Network("2002::/16")


def _embedded(address: IPv6Address) -> tuple[IPv4Address, str] | None:
    """The IPv4 address an IPv6 address carries, and how it carries it."""
    if address in _MAPPED:
        return IPv4Address(int(address) & 0xFFFFFFFF), "IPv4-mapped"
    if address in _NAT64:
        return IPv4Address(int(address) & 0xFFFFFFFF), "NAT64"
    if address in _SIX_TO_FOUR:
        return IPv4Address((int(address) >> 80) & 0xFFFFFFFF), "6to4"
    if address in _COMPATIBLE and int(address) > 1:  # not :: or ::1, which are matched by name
        return IPv4Address(int(address) & 0xFFFFFFFF), "IPv4-compatible"
    return None


def _v4_refusal(address: IPv4Address) -> str:
    for network, why in _V4_RULES:
        if address in network:
            return why
    return ""


def refusal(address: IPAddress) -> str:
    """Why ``address`` may not be reached ("a private address", "IPv4-mapped 127.0.0.1, a loopback
    address"), or "" when it may."""
    if isinstance(address, IPv4Address):
        return _v4_refusal(address)
    for network, why in _V6_RULES:
        if address in network:
            return why
    carried = _embedded(address)
    if carried is not None:
        inner, how = carried
        if why := _v4_refusal(inner):
            return f"{how} {inner}, {why}"
        if address in _COMPATIBLE:
            return RESERVED  # deprecated: nothing routes it
        return ""
    if address not in _GLOBAL_UNICAST:
        return RESERVED
    return ""


class NotAnAddress(ValueError):
    """A host written as numbers that is no address (``999.1.1.1``, ``0x1ffffffff``)."""


_NUMBER = re.compile(r"^(0x[0-9a-f]*|0[0-7]*|[1-9][0-9]*)$", re.IGNORECASE)


def _numeric_ipv4(host: str) -> IPv4Address | None:
    """``inet_aton``'s reading of ``host``: one to four parts, each decimal, octal (leading 0) or hex
    (0x), the last filling the bytes left. None when ``host`` is not written as numbers; NotAnAddress
    when it is, but is no address (a part too large)."""
    parts = host.split(".")
    if not 1 <= len(parts) <= 4 or not all(_NUMBER.match(part) for part in parts):
        return None
    values = []
    for part in parts:
        if part[:2].lower() == "0x":
            values.append(int(part[2:] or "0", 16))
        elif part.startswith("0") and len(part) > 1:
            values.append(int(part, 8))
        else:
            values.append(int(part))
    *leading, last = values
    if any(value > 255 for value in leading) or last >= 256 ** (5 - len(values)):
        raise NotAnAddress(f"{host} is not a valid IPv4 address")
    number = 0
    for value in leading:
        number = number << 8 | value
    return IPv4Address(number << 8 * (5 - len(values)) | last)


def literal_address(host: str) -> IPAddress | None:
    """The address ``host`` (a URL's host name, brackets already removed) is written as, in any
    form the network stack would accept, or None when it is a name to resolve.

    Raises NotAnAddress for a host written as numbers that is no address."""
    host = host.strip()
    bare = host[:-1] if host.endswith(".") else host  # "127.0.0.1." is still 127.0.0.1
    if ":" in bare:
        try:
            return ip_address(bare.split("%", 1)[0])  # a zone ("%eth0") changes nothing of the address
        except ValueError as exc:
            raise NotAnAddress(f"{host} is not a valid IPv6 address") from exc
    return _numeric_ipv4(bare)


LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")


def local_name(host: str) -> bool:
    """Names that always mean this machine (RFC 6761: ``localhost`` and every name under it)."""
    name = host.lower().rstrip(".")
    return name in LOCAL_NAMES or name.endswith(".localhost")
