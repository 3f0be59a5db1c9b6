"""Fetch one web page over HTTP(S) for `treaty-qa add URL`, without server-side request forgery.

`fetch_page` only fetches: http and https, no credentials in the URL, the host name resolved
once and every address it resolves to checked (`address_problem`): loopback, private,
link-local (the cloud metadata address 169.254.169.254), multicast, reserved, unspecified,
shared (CGNAT 100.64/10) and IPv6 forms embedding such an IPv4 address are refused before any
connection unless `allow_private`. The connection then goes to that checked address (no second
DNS lookup, so no DNS rebinding) with the URL's Host header, and https verifies the
certificate for the host name. Redirects are followed by hand, at most `MAX_REDIRECTS`, each hop
checked the same way. One deadline covers connecting, every read and every hop; the body is read
in a stream and refused once it passes `max_bytes`; only HTML, XHTML and plain text are taken.
Every refusal is a one-line `UrlRefused` (`BlockedAddress`, `FetchFailed`).

>>> parse_target("https://Example.org/a?b=1#top")
Target(url='https://example.org/a?b=1', scheme='https', host='example.org', port=443, path='/a?b=1')
>>> parse_target("http://user:secret@example.org/")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
treaty_qa.errors.UrlRefused: http://example.org/: the address contains a user name or password...
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from treaty_qa.errors import BlockedAddress, FetchFailed, UrlRefused

ALLOWED_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
MAX_REDIRECTS = 5
REDIRECTS = (301, 302, 303, 307, 308)
CHUNK = 64 * 1024
CGNAT = ipaddress.ip_network("100.64.0.0/10")
NAT64 = ipaddress.ip_network("64:ff9b::/96")
ALLOW_HINT = ("only public addresses are fetched; for a server you trust use `treaty-qa add "
              "--allow-private` or TREATY_QA_ALLOW_PRIVATE_URLS=true")
Resolver = Callable[..., list[tuple[Any, ...]]]
IP = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class Fetched:
    """A fetched page: where it ended up (after redirects), its media type, declared charset."""

    final_url: str
    content_type: str
    charset: str | None
    body: bytes


@dataclass(frozen=True)
class Target:
    """A checked http(s) URL, split for one request (the fragment dropped)."""

    url: str
    scheme: str
    host: str  # IDNA-encoded name or IP literal (no brackets)
    port: int
    path: str  # path and query


def shown_url(url: str) -> str:
    """`url` fit for a one-line message: credentials removed, control characters replaced,
    length capped.

    >>> shown_url("http://me:pw@example.org/x"), shown_url("http://example.org/\\x07")
    ('http://example.org/x', 'http://example.org/?')
    """
    try:
        parts = urlsplit(url.strip())
        if "@" in parts.netloc:
            url = parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()
    except ValueError:
        pass
    clean = "".join(ch if ch.isprintable() else "?" for ch in url.strip())
    return clean if len(clean) <= 200 else clean[:197] + "…"


def parse_target(url: str) -> Target:
    """The URL checked for scheme, host, credentials and port; `UrlRefused` otherwise."""
    shown = shown_url(url)
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as e:
        raise UrlRefused(shown, "is not a valid web address; copy it from the browser's address "
                         "bar") from e
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise UrlRefused(shown, "only http:// and https:// addresses can be added; for a file "
                         "on disk use the upload box or `treaty-qa index`")
    if parts.username is not None or parts.password is not None:
        raise UrlRefused(shown, "the address contains a user name or password (user:pass@); "
                         "remove them: pages behind a login cannot be added")
    if not parts.hostname:
        raise UrlRefused(shown, "the address has no host name; give a full address such as "
                         "https://example.org/news/article")
    try:
        host = parts.hostname.encode("idna").decode("ascii")
    except UnicodeError as e:
        raise UrlRefused(shown, "the host name is not a valid domain name; check the "
                         "address") from e
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    netloc = f"[{host}]" if ":" in host else host
    netloc += f":{port}" if port is not None else ""
    clean = f"{scheme}://{netloc}{path}"
    return Target(clean, scheme, host, port or (443 if scheme == "https" else 80), path)


def address_problem(ip: IP) -> str | None:
    """What kind of non-public address `ip` is ("loopback", "private", …), or None if public.

    >>> [address_problem(ipaddress.ip_address(a)) for a in
    ...  ("169.254.169.254", "::ffff:10.0.0.1", "100.64.0.1", "224.0.0.1", "93.184.216.34")]
    ['link-local', 'private', 'shared (CGNAT)', 'multicast', None]
    """
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (
            ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF) if ip in NAT64 else None)
        if embedded is not None:
            return address_problem(embedded)
        if ip.teredo is not None:
            return address_problem(ip.teredo[1]) or address_problem(ip.teredo[0])
    checks = (("unspecified", ip.is_unspecified), ("loopback", ip.is_loopback),
              ("link-local", ip.is_link_local), ("multicast", ip.is_multicast),
              ("shared (CGNAT)", ip in CGNAT), ("private", ip.is_private),
              ("reserved", ip.is_reserved), ("non-public", not ip.is_global))
    return next((name for name, hit in checks if hit), None)


def resolve_checked(target: Target, allow_private: bool, resolve: Resolver
                    ) -> list[tuple[int, tuple[Any, ...]]]:
    """The (family, sockaddr) pairs the host resolves to, resolved once; `BlockedAddress` when
    any of them is not public (unless `allow_private`)."""
    try:
        infos = resolve(target.host, target.port, 0, socket.SOCK_STREAM)
    except (OSError, UnicodeError) as e:
        raise FetchFailed(target.url, f"the host name {target.host} cannot be resolved; check "
                          "the address (and the network)") from e
    addrs: list[tuple[int, tuple[Any, ...]]] = []
    for family, _type, _proto, _name, sockaddr in infos:
        if family not in (socket.AF_INET, socket.AF_INET6) or (family, sockaddr) in addrs:
            continue
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        problem = None if allow_private else address_problem(ip)
        if problem is not None:
            what = (f"is a {problem} address" if str(ip) == target.host
                    else f"resolves to {ip}, a {problem} address")
            raise BlockedAddress(target.url, f"{target.host} {what}; {ALLOW_HINT}")
        addrs.append((family, sockaddr))
    if not addrs:
        raise FetchFailed(target.url, f"the host name {target.host} has no IP address; check "
                          "the address")
    return addrs


class _Pinned:
    """An HTTP(S) connection to addresses already checked: no DNS lookup of its own."""

    addrs: list[tuple[int, tuple[Any, ...]]]
    raw: socket.socket | None = None
    tls: ssl.SSLContext | None = None
    host: str
    timeout: Any

    def connect(self) -> None:
        error: OSError | None = None
        for family, sockaddr in self.addrs:
            sock = socket.socket(family, socket.SOCK_STREAM)
            try:
                sock.settimeout(self.timeout)
                sock.connect(sockaddr)
            except OSError as e:
                sock.close()
                error = e
                continue
            self.raw = (self.tls.wrap_socket(sock, server_hostname=self.host)
                        if self.tls is not None else sock)
            self.sock = self.raw
            return
        assert error is not None
        raise error


class _PinnedHTTP(_Pinned, http.client.HTTPConnection):
    pass


class _PinnedHTTPS(_Pinned, http.client.HTTPSConnection):
    pass


def _connection(target: Target, addrs: list[tuple[int, tuple[Any, ...]]], timeout: float
                ) -> _PinnedHTTP | _PinnedHTTPS:
    conn: _PinnedHTTP | _PinnedHTTPS
    if target.scheme == "https":
        conn = _PinnedHTTPS(target.host, target.port, timeout=timeout)
        conn.tls = ssl.create_default_context()  # verifies the chain and the host name
    else:
        conn = _PinnedHTTP(target.host, target.port, timeout=timeout)
    conn.addrs = addrs
    return conn


def _too_slow(url: str, timeout_s: float) -> FetchFailed:
    return FetchFailed(url, f"no complete answer within {timeout_s:g} s; try again later (or "
                       "raise TREATY_QA_FETCH_TIMEOUT_S)")


def _remaining(deadline: float, url: str, timeout_s: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise _too_slow(url, timeout_s)
    return left


@dataclass(frozen=True)
class _Limits:
    timeout_s: float
    max_bytes: int
    deadline: float


def _check_head(resp: http.client.HTTPResponse, url: str, max_bytes: int) -> tuple[str, str | None]:
    """The media type and charset of a final answer; `FetchFailed` for a status, type, encoding
    or declared length we do not take."""
    if resp.status >= 400 or resp.status < 200 or resp.status in REDIRECTS:
        raise FetchFailed(url, f"the server answered {resp.status} {resp.reason}; check the "
                          "address in a browser")
    if resp.getheader("Content-Type") is None:
        raise FetchFailed(url, "the server did not say what the page is (no Content-Type); save "
                          "the page from a browser and upload it instead")
    kind = resp.headers.get_content_type()
    if kind not in ALLOWED_TYPES:
        raise FetchFailed(url, f"is {kind}, not a web page or text; only HTML and plain-text "
                          "pages can be added")
    encoding = (resp.getheader("Content-Encoding") or "identity").strip().lower()
    if encoding != "identity":
        raise FetchFailed(url, f"the server sent a {encoding}-compressed body although none was "
                          "asked for; save the page from a browser and upload it instead")
    length = resp.getheader("Content-Length") or ""
    if length.strip().isdigit() and int(length) > max_bytes:
        raise FetchFailed(url, f"the page is larger than the {max_bytes:,}-byte limit; raise "
                          "TREATY_QA_MAX_FETCH_BYTES to add it")
    return kind, resp.headers.get_content_charset()


def _read_body(conn: _Pinned, resp: http.client.HTTPResponse, url: str, limits: _Limits
               ) -> bytes:
    """The body, read in chunks under the deadline; refused as soon as it passes the limit."""
    chunks: list[bytes] = []
    size = 0
    while True:
        if conn.raw is not None:
            conn.raw.settimeout(min(limits.timeout_s,
                                    _remaining(limits.deadline, url, limits.timeout_s)))
        chunk = resp.read1(CHUNK)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limits.max_bytes:
            raise FetchFailed(url, f"the page is larger than the {limits.max_bytes:,}-byte "
                              "limit; raise TREATY_QA_MAX_FETCH_BYTES to add it")
        chunks.append(chunk)


def _hop(target: Target, allow_private: bool, resolve: Resolver, limits: _Limits
         ) -> Fetched | str:
    """One request: the page, or the next URL when the answer is a redirect."""
    addrs = resolve_checked(target, allow_private, resolve)
    per_op = min(limits.timeout_s, _remaining(limits.deadline, target.url, limits.timeout_s))
    conn = _connection(target, addrs, per_op)
    try:
        conn.request("GET", target.path, headers={
            "User-Agent": "treaty-qa (+add URL)", "Accept-Encoding": "identity",
            "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9"})
        resp = conn.getresponse()
        location = resp.getheader("Location")
        if resp.status in REDIRECTS and location:
            return urljoin(target.url, location.strip())
        kind, charset = _check_head(resp, target.url, limits.max_bytes)
        return Fetched(target.url, kind, charset, _read_body(conn, resp, target.url, limits))
    finally:
        conn.close()
        if conn.raw is not None:
            conn.raw.close()


def _failure(url: str, host: str, e: Exception, timeout_s: float) -> FetchFailed:
    """A network-level exception as one line that says what to do."""
    if isinstance(e, TimeoutError):
        return _too_slow(url, timeout_s)
    if isinstance(e, ssl.SSLCertVerificationError):
        return FetchFailed(url, f"the https certificate of {host} cannot be trusted "
                           f"({e.verify_message}); check the address")
    if isinstance(e, http.client.HTTPException | ssl.SSLError):
        return FetchFailed(url, f"the server's answer is not valid HTTP(S) "
                           f"({e.__class__.__name__}); check the address")
    detail = getattr(e, "strerror", None) or e.__class__.__name__
    return FetchFailed(url, f"cannot connect to {host} ({detail}); check the address and that "
                       "the site is up")


def fetch_page(url: str, *, timeout_s: float, max_bytes: int, allow_private: bool,
               resolve: Resolver = socket.getaddrinfo) -> Fetched:
    """Fetch one HTML or plain-text page (see the module docstring); `UrlRefused` otherwise.
    `resolve` is `socket.getaddrinfo`'s signature (tests give their own)."""
    limits = _Limits(timeout_s, max_bytes, time.monotonic() + timeout_s)
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        target = parse_target(current)
        try:
            got = _hop(target, allow_private, resolve, limits)
        except UrlRefused:
            raise
        except (OSError, http.client.HTTPException) as e:
            raise _failure(target.url, target.host, e, timeout_s) from e
        if isinstance(got, Fetched):
            return got
        current = got
    raise FetchFailed(shown_url(url), f"more than {MAX_REDIRECTS} redirects (a loop?); add the "
                      "page's final address instead")
