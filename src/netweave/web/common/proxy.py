"""Who is asking, and over what: the client's address and scheme behind a reverse proxy.

Behind a TLS proxy (Caddy, nginx) every connection comes from the proxy, over plain HTTP.
The proxy says who the client is and how they came in with ``X-Forwarded-For`` and
``X-Forwarded-Proto``; but anyone can send those headers, so they are believed only from the
addresses in ``NETWEAVE_TRUSTED_PROXIES`` (addresses or networks, parsed by
:func:`parse_trusted` into the setting of the same name). From anyone else they are removed,
so nothing further down can be fooled.

:class:`ForwardedMiddleware` (first in ``MIDDLEWARE``) puts the answer into the request:
``REMOTE_ADDR`` becomes the client's address and ``wsgi.url_scheme`` the client's scheme, so
Django's HTTPS redirect and HSTS see an HTTPS request as HTTPS. :func:`client_address` is the
one answer to "which address is this request from", for the rate limits and the login lock.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:  # settings.py imports this module: nothing here may need the settings
    from django.http import HttpRequest, HttpResponse

__all__ = ["ForwardedMiddleware", "client_address", "forwarded_client", "parse_trusted"]

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

#: the request headers a proxy speaks with; removed unless they come from a trusted proxy
FORWARDED_HEADERS = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_FORWARDED_BY",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
)
#: where the middleware keeps the address the connection really came from
PEER_KEY = "netweave.peer"


def parse_trusted(value: str) -> tuple[Network, ...]:
    """``NETWEAVE_TRUSTED_PROXIES``: comma-separated addresses or networks.

    >>> [str(n) for n in parse_trusted("127.0.0.1, 10.0.0.0/8 ,::1")]
    ['127.0.0.1/32', '10.0.0.0/8', '::1/128']
    >>> parse_trusted("")
    ()
    """
    networks = []
    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"NETWEAVE_TRUSTED_PROXIES: {item!r} is not an IP address or network "
                "(e.g. 127.0.0.1 or 10.0.0.0/8)."
            ) from exc
    return tuple(networks)


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """An address as proxies write it ("203.0.113.9", "[2001:db8::1]:443", "1.2.3.4:80")."""
    value = value.strip().strip('"')
    if value.startswith("["):
        value = value[1 : value.find("]")] if "]" in value else value[1:]
    elif value.count(":") == 1:  # IPv4 with a port; a bare IPv6 address has several colons
        value = value.partition(":")[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _trusted(address: object, networks: Sequence[Network]) -> bool:
    return address is not None and any(address in n for n in networks)


def forwarded_client(peer: str, forwarded_for: str, networks: Sequence[Network]) -> str:
    """The client's address: ``peer`` unless ``peer`` is a trusted proxy, then the nearest
    address in ``forwarded_for`` that is not one (proxies append whom they heard from, so the
    list is read from the right; whatever a client wrote on the left is never believed).

    >>> nets = parse_trusted("10.0.0.1, 10.0.0.2")
    >>> forwarded_client("10.0.0.1", "1.2.3.4, 198.51.100.7, 10.0.0.2", nets)
    '198.51.100.7'
    >>> forwarded_client("203.0.113.5", "1.2.3.4", nets)  # not a proxy: not believed
    '203.0.113.5'
    >>> forwarded_client("10.0.0.1", "not an address", nets)
    '10.0.0.1'
    """
    here = _address(peer)
    if not _trusted(here, networks):
        return peer
    client = peer
    for hop in reversed(forwarded_for.split(",")):
        address = _address(hop)
        if address is None:
            break  # garbage: stop at the last hop a trusted proxy vouched for
        client = str(address)
        if not _trusted(address, networks):
            break
    return client


def _last(value: str) -> str:
    return value.rsplit(",", 1)[-1].strip().lower()


def _networks() -> tuple[Network, ...]:
    return settings.NETWEAVE_TRUSTED_PROXIES


def client_address(request: HttpRequest) -> str:
    """The address this request comes from, for rate limits and login lockouts (django-axes
    calls it as ``AXES_CLIENT_IP_CALLABLE``): the client's, as a trusted proxy reports it."""
    meta = request.META
    if PEER_KEY in meta:  # ForwardedMiddleware has decided already
        return meta.get("REMOTE_ADDR", "")
    peer = meta.get("REMOTE_ADDR", "")
    return forwarded_client(peer, meta.get("HTTP_X_FORWARDED_FOR", ""), _networks())


def _resolve(meta: dict, networks: Iterable[Network]) -> None:
    peer = meta.get("REMOTE_ADDR", "")
    nets = tuple(networks)
    if _trusted(_address(peer), nets):
        meta["REMOTE_ADDR"] = forwarded_client(peer, meta.get("HTTP_X_FORWARDED_FOR", ""), nets)
        scheme = _last(meta.get("HTTP_X_FORWARDED_PROTO", ""))
        if scheme in ("http", "https"):
            meta["wsgi.url_scheme"] = scheme
    for name in FORWARDED_HEADERS:
        # consumed or untrusted: nothing further down should read them either way
        meta.pop(name, None)
    meta[PEER_KEY] = peer


class ForwardedMiddleware:
    """Sets the request's client address and scheme from a trusted proxy's headers (see the
    module's docstring). First in ``MIDDLEWARE``: the HTTPS redirect, HSTS, the rate limits
    and django-axes all read what it decides."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        _resolve(request.META, _networks())
        return self.get_response(request)
