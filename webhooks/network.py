"""Where webhooks may go: public addresses only (SSRF), checked after DNS.

An endpoint's URL is checked when it is saved and again at each send, on the
addresses its host resolves to then; the request goes to the very address
that was checked (the Host header and TLS still name the host), so a DNS
answer that changes between the check and the connection (DNS rebinding)
does not reach a private address. Redirects are never followed.
"""

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError

ALLOWED_SCHEMES = {"http": 80, "https": 443}

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class RefusedTarget(ValidationError):
    """A URL webhooks must not be sent to."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    address: str


def is_private(address: Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


def is_allowed(address: Address) -> bool:
    if not settings.WEBHOOKS_REFUSE_PRIVATE_ADDRESSES:
        return True
    exceptions = [
        ipaddress.ip_network(network, strict=False)
        for network in settings.WEBHOOKS_ALLOWED_NETWORKS
    ]
    return not is_private(address) or any(
        address in network
        for network in exceptions
        if network.version == address.version
    )


def resolve_target(url: str) -> Target:
    """The address to send to for ``url``; RefusedTarget when there is none
    allowed. Every address the host resolves to must be allowed, so that
    which one a client would pick does not matter."""
    parts = urlsplit(url)
    if parts.scheme not in ALLOWED_SCHEMES:
        raise RefusedTarget("Only http:// and https:// addresses can receive webhooks.")
    if not parts.hostname:
        raise RefusedTarget("The address names no host.")
    try:
        port = parts.port or ALLOWED_SCHEMES[parts.scheme]
    except ValueError as error:
        raise RefusedTarget("The address has an invalid port.") from error
    try:
        infos = socket.getaddrinfo(
            parts.hostname, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
        )
    except (socket.gaierror, UnicodeError) as error:
        raise RefusedTarget(f"The host {parts.hostname} cannot be resolved.") from error
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    refused = [address for address in addresses if not is_allowed(address)]
    if refused or not addresses:
        where = refused[0] if refused else "nothing"
        raise RefusedTarget(
            f"The host {parts.hostname} resolves to {where}, a private, "
            "loopback, link-local, multicast or reserved address: webhooks go "
            "only to public addresses."
        )
    path = parts.path or "/"
    if parts.query:
        path += f"?{parts.query}"
    return Target(parts.scheme, parts.hostname, port, path, str(addresses[0]))


def check_url_is_public(url: str) -> None:
    """Model field validator: the endpoint's URL must resolve to allowed
    addresses (and, with the rule off, as in development, be http(s))."""
    if settings.WEBHOOKS_REFUSE_PRIVATE_ADDRESSES:
        resolve_target(url)
    elif urlsplit(url).scheme not in ALLOWED_SCHEMES:
        raise RefusedTarget("Only http:// and https:// addresses can receive webhooks.")


class PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the checked address, whatever DNS answers now."""

    def __init__(self, target: Target, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout)
        self.address = target.address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    """TLS to the checked address, verifying the certificate of the host."""

    def __init__(self, target: Target, timeout: float):
        super().__init__(
            target.host,
            target.port,
            timeout=timeout,
            context=ssl.create_default_context(),
        )
        self.address = target.address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST ``body`` to ``url`` if it is allowed; the response's status.

    Raises RefusedTarget, or OSError / http.client.HTTPException when the
    receiver cannot be reached or answers nonsense.
    """
    target = resolve_target(url)
    connection_class = (
        PinnedHTTPSConnection if target.scheme == "https" else PinnedHTTPConnection
    )
    # At most 10 s, so an attempt fits in the sending lease (webhooks.sending).
    timeout = min(settings.WEBHOOKS_TIMEOUT_SECONDS, 10)
    connection = connection_class(target, timeout=timeout)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(64 * 1024)  # a little of the answer, then hang up
        return response.status
    finally:
        connection.close()
