"""`treaty-qa add URL` and the Documents tab's URL box (issue 14, part 3).

Real parts: a real HTTP server on a free loopback port in a thread (a news page with menus,
cookie banner, related stories and a comment form; plain text; a Windows-1251 page; an image; a
huge body; a slow and a dripping endpoint; redirect chains and a loop), a real https server with a
self-signed certificate, a private copy of the real index, the installed `treaty-qa` script and
a real Gradio server. Host names are resolved by `Table`, a resolver with getaddrinfo's
interface (the only way to test names without DNS); everything else is the shipped code.
"""

from __future__ import annotations

import http.server
import json
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import make_settings
from support.cli import Run, cli
from support.live import offline_client, private_index, serve

from treaty_qa.errors import BlockedAddress, FetchFailed, UrlRefused
from treaty_qa.index.fetch import MAX_REDIRECTS, fetch_page
from treaty_qa.rag.engine import QAEngine
from treaty_qa.settings import Settings
from treaty_qa.ui.urls import add_url, fetch_draft

FACT = "The Quorvan Accord was signed in Tromsø on 4 April by two made-up delegations."
QUESTION = "Where was the Quorvan Accord signed?"
CHROME = ("Accept all cookies", "Related stories", "Storm hits the coast", "Post comment",
          "All rights reserved", "Sport")
NEWS = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Quorvan Accord signed in Tromsø | Daily Example</title>
<meta property="og:site_name" content="Daily Example">
<meta property="article:published_time" content="2024-06-19T08:00:00+00:00">
<meta name="author" content="Jane Roe"></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<div class="cookie-banner"><p>We use cookies to improve your experience on our site.</p>
<button>Accept all cookies</button></div>
<article><h1>Quorvan Accord signed in Tromsø</h1>
<p>TEST ARTICLE (made up for the treaty-qa test suite). {FACT}</p>
<p>The accord sets up a joint commission on fisheries that meets twice a year in alternating
capitals.</p>
<p>Officials said the first meeting of the commission would take place before the end of the
summer.</p></article>
<aside><h2>Related stories</h2><ul><li><a href="/a">Storm hits the coast overnight</a></li>
<li><a href="/b">Markets close higher on Friday</a></li></ul></aside>
<section class="comments"><h3>Leave a comment</h3><form><textarea></textarea>
<button>Post comment</button></form></section>
<footer><p>© 2024 Daily Example. All rights reserved.</p></footer></body></html>"""
PLAIN_FACT = "The Velmora Compact was initialled in Quito on 9 May by made-up negotiators."
PLAIN = f"Velmora Compact note\n\nTEST ARTICLE (made up for the tests): {PLAIN_FACT}\n"
CYRILLIC = ('<html><head><meta charset="windows-1251"><title>Пакт</title></head><body>'
            "<p>Тестовая статья: договор подписан в Пхеньяне.</p></body></html>")
EMPTY = "<html><head><script>track()</script></head><body><script>x()</script></body></html>"
HUGE = 50_000_000  # what /huge would send if nobody stopped reading
LIMIT = 200_000  # max_fetch_bytes in these tests


class Site(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # the slow endpoints may still sleep when the module ends

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.hits: list[tuple[str, str]] = []  # (path, Host header) of every request
        self.sent: dict[str, int] = {}

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that gave up (as the size and time limits make it) is expected here

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


PAGES: dict[str, tuple[str, bytes]] = {
    "/news.html": ("text/html; charset=utf-8", NEWS.encode()),
    "/notes.txt": ("text/plain; charset=utf-8", PLAIN.encode()),
    "/cyrillic.html": ("text/html", CYRILLIC.encode("cp1251")),  # charset only in <meta>
    "/logo.png": ("image/png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64),
    "/empty.html": ("text/html", EMPTY.encode()),
}


class Handler(http.server.BaseHTTPRequestHandler):
    server: Site

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.server.hits.append((self.path, self.headers.get("Host", "")))
        path = self.path
        if path in PAGES:
            kind, body = PAGES[path]
            self._head(200, kind, len(body))
            self.wfile.write(body)
        elif path.startswith("/r/"):  # /r/N: N more redirects, then the news page
            n = int(path[3:])
            self._redirect("/news.html" if n <= 1 else f"/r/{n - 1}")
        elif path == "/loop":
            self._redirect("/loop")
        elif path == "/to-file":
            self._redirect("file:///etc/passwd")
        elif path == "/declared-huge":
            self._head(200, "text/html", HUGE)
        elif path == "/huge":
            self._stream(b"<p>" + b"x" * (64 * 1024 - 3), HUGE, gap=0.0)
        elif path == "/drip":
            self._stream(b"x", 1000, gap=0.05)
        elif path == "/slow":
            time.sleep(3)
            self._head(200, "text/plain", 2)
            self.wfile.write(b"ok")
        else:
            self._head(404, "text/plain", 0)

    def _head(self, status: int, kind: str, length: int | None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        if length is not None:
            self.send_header("Content-Length", str(length))
        self.end_headers()

    def _redirect(self, where: str) -> None:
        self.send_response(302)
        self.send_header("Location", where)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _stream(self, chunk: bytes, total: int, gap: float) -> None:
        """Send `total` bytes in chunks (no Content-Length) until the client hangs up."""
        self._head(200, "text/html", None)
        sent = 0
        try:
            while sent < total:
                self.wfile.write(chunk)
                self.wfile.flush()
                sent += len(chunk)
                time.sleep(gap)
        except OSError:
            pass
        self.server.sent[self.path] = sent


class Table:
    """A resolver with `socket.getaddrinfo`'s interface: names in `table` resolve to the listed
    addresses, anything else as the system resolves it; every name asked is recorded."""

    def __init__(self, table: dict[str, list[str]]) -> None:
        self.table = table
        self.asked: list[str] = []

    def __call__(self, host: str, port: int, family: int = 0, type: int = 0, proto: int = 0,
                 flags: int = 0) -> list[tuple[Any, ...]]:
        self.asked.append(host)
        if host not in self.table:
            return socket.getaddrinfo(host, port, family, type, proto, flags)
        return [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", (ip, port, 0, 0)) if ":" in ip
                else (socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))
                for ip in self.table[host]]


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    server = Site()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def lab(built_index: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A private index; settings that allow no private address (the default)."""
    s = private_index(tmp_path_factory.mktemp("add-url"), built_index)
    return s.model_copy(update={"fetch_timeout_s": 1.0, "max_fetch_bytes": LIMIT})


@pytest.fixture(scope="module")
def strict(lab: Settings) -> QAEngine:
    return QAEngine.open(lab)


@pytest.fixture(scope="module")
def trusting(lab: Settings) -> QAEngine:
    """The same index, with private URLs allowed (as `add --allow-private`)."""
    return QAEngine.open(lab.model_copy(update={"allow_private_urls": True}))


def saved(s: Settings) -> list[str]:
    return sorted(p.name for p in s.upload_dir.iterdir()) if s.upload_dir.exists() else []


def front_matter(path: Path) -> tuple[dict[str, Any], str]:
    _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(front), body


# --- a page is added, saved with its URL, indexed and cited -----------------------------------

def test_news_page_is_saved_with_its_url_indexed_and_cited(site: Site, trusting: QAEngine,
                                                           lab: Settings) -> None:
    url = f"{site.base}/news.html"
    added = add_url(trusting, url)
    assert (added.title, added.outlet, added.published) == (
        "Quorvan Accord signed in Tromsø", "Daily Example", "2024-06-19")
    assert added.sentences >= 4 and added.path.parent == lab.upload_dir.resolve()
    meta, body = front_matter(added.path)
    assert meta["url"] == url and meta["author"] == "Jane Roe" and meta["published"] == "2024-06-19"
    assert meta["fetched_at"].endswith("+00:00")
    assert FACT in body and not [c for c in CHROME if c in body]
    assert added.doc_id in {d.doc_id for d in trusting.documents()}

    ans = trusting.ask(QUESTION)
    top = ans.citations[0]
    assert top.doc_id == added.doc_id and "Tromsø" in top.quote
    assert top.url == url  # the citation says where the page came from

    before = saved(lab)  # the same page again: refused, nothing written
    with pytest.raises(UrlRefused, match=r"already indexed as Quorvan Accord signed in Tromsø"):
        add_url(trusting, url)
    assert saved(lab) == before


def test_plain_text_page_is_taken_as_it_is(site: Site, trusting: QAEngine) -> None:
    added = add_url(trusting, f"{site.base}/notes.txt")
    meta, body = front_matter(added.path)
    assert body.strip() == PLAIN.strip() and meta["url"] == f"{site.base}/notes.txt"
    assert added.title == "Velmora Compact note" and added.path.name == "notes.md"
    assert added.extractor == "plain text" and added.sentences >= 1


def test_charset_from_meta_tag(site: Site, lab: Settings) -> None:
    allowed = lab.model_copy(update={"allow_private_urls": True})
    draft = fetch_draft(allowed, f"{site.base}/cyrillic.html")
    assert "договор подписан в Пхеньяне" in draft.markdown


# --- connections go where the checks said -----------------------------------------------------

def test_redirects_followed_each_hop_resolved_once_with_its_host_header(site: Site) -> None:
    port = site.server_address[1]
    names = Table({"news.test": ["127.0.0.1"]})
    got = fetch_page(f"http://news.test:{port}/r/{MAX_REDIRECTS}", timeout_s=5,
                     max_bytes=LIMIT, allow_private=True, resolve=names)
    assert got.final_url == f"http://news.test:{port}/news.html" and FACT.encode() in got.body
    assert names.asked == ["news.test"] * (MAX_REDIRECTS + 1)  # one lookup per hop, no more
    assert site.hits[-1] == ("/news.html", f"news.test:{port}")  # the name, not the address


# --- refused before any connection ------------------------------------------------------------

def private_urls(port: int) -> list[str]:
    return [f"http://127.0.0.1:{port}/news.html", f"http://localhost:{port}/news.html",
            "http://10.0.0.1/", "http://169.254.169.254/latest/meta-data/",
            f"http://[::1]:{port}/news.html", f"http://[::ffff:127.0.0.1]:{port}/news.html",
            "http://100.64.0.1/", f"http://0.0.0.0:{port}/news.html",
            f"http://intranet.test:{port}/news.html", f"http://mixed.test:{port}/news.html"]


RESOLVER = {"intranet.test": ["10.1.2.3"], "mixed.test": ["93.184.216.34", "192.168.1.20"]}


@pytest.mark.parametrize("n", range(10))
def test_private_addresses_refused_before_connecting(n: int, site: Site, strict: QAEngine,
                                                     lab: Settings) -> None:
    url = private_urls(site.server_address[1])[n]
    hits, files, docs = len(site.hits), saved(lab), len(strict.documents())
    with pytest.raises(BlockedAddress, match=r"(loopback|private|link-local|\(CGNAT\)|unspecified)"
                                             r" address; only public addresses are fetched"):
        add_url(strict, url, resolve=Table(RESOLVER))  # (the guard fails any outside connect)
    assert len(site.hits) == hits and saved(lab) == files and len(strict.documents()) == docs


@pytest.mark.parametrize(("url", "why"), [
    ("file:///etc/passwd", "only http:// and https://"),
    ("ftp://127.0.0.1/pub/article.txt", "only http:// and https://"),
    ("http://reader:s3cret@{host}/news.html", "user name or password"),
    ("https://", "no host name"),
    ("http://{host}:99999/", "not a valid web address"),
])
def test_bad_addresses_refused(url: str, why: str, site: Site, trusting: QAEngine,
                               lab: Settings) -> None:
    hits, files = len(site.hits), saved(lab)
    with pytest.raises(UrlRefused, match=why) as refused:
        add_url(trusting, url.format(host=site.base.removeprefix("http://")))
    assert "s3cret" not in str(refused.value) and "\n" not in str(refused.value)
    assert len(site.hits) == hits and saved(lab) == files


# --- refused pages: nothing saved -------------------------------------------------------------

@pytest.mark.parametrize(("path", "why"), [
    ("/logo.png", "is image/png, not a web page"),
    ("/declared-huge", "larger than the 200,000-byte limit"),
    ("/huge", "larger than the 200,000-byte limit"),
    ("/slow", "no complete answer within 1 s"),
    ("/drip", "no complete answer within 1 s"),
    (f"/r/{MAX_REDIRECTS + 1}", f"more than {MAX_REDIRECTS} redirects"),
    ("/loop", f"more than {MAX_REDIRECTS} redirects"),
    ("/to-file", "only http:// and https://"),
    ("/missing.html", "answered 404"),
    ("/empty.html", "no article text"),
])
def test_unusable_pages_refused_and_nothing_saved(path: str, why: str, site: Site,
                                                  trusting: QAEngine, lab: Settings) -> None:
    files, docs = saved(lab), len(trusting.documents())
    t0 = time.monotonic()
    with pytest.raises(UrlRefused, match=why):
        add_url(trusting, site.base + path)
    assert time.monotonic() - t0 < 2.5  # the 1 s deadline holds (the slow endpoint takes 3 s)
    assert saved(lab) == files and len(trusting.documents()) == docs
    if path == "/huge":  # refused while streaming, long before the whole body was sent
        deadline = time.monotonic() + 5
        while path not in site.sent and time.monotonic() < deadline:
            time.sleep(0.05)
        assert site.sent[path] < HUGE // 5


@pytest.fixture(scope="module")
def tls_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An https server on localhost with a self-signed certificate (made by openssl)."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a certificate")
    tmp = tmp_path_factory.mktemp("tls")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost", "-keyout", str(tmp / "key.pem"),
                    "-out", str(tmp / "cert.pem")], check=True, capture_output=True)
    server = Site()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(tmp / "cert.pem", tmp / "key.pem")
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"https://localhost:{server.server_address[1]}/news.html"
    server.shutdown()
    server.server_close()


def test_https_certificate_is_verified(tls_site: str) -> None:
    with pytest.raises(FetchFailed, match="certificate of localhost cannot be trusted"):
        fetch_page(tls_site, timeout_s=5, max_bytes=LIMIT, allow_private=True)


# --- the command line -------------------------------------------------------------------------

def error_line(run: Run) -> str:
    lines = [ln for ln in run.err.splitlines() if ln.strip()]
    assert run.code == 1 and run.out == "" and len(lines) == 1, run.out + run.err
    assert lines[0].startswith("error: ")
    return lines[0]


def test_cli_add_prints_what_was_added_and_ask_cites_the_url(
        site: Site, built_index: Settings, tmp_path: Path) -> None:
    s = private_index(tmp_path, built_index)
    url = f"{site.base}/r/2"  # saved under the address it ended at
    run = cli(s, "add", url, "--allow-private")
    final = f"{site.base}/news.html"
    assert run.code == 0, run.err
    assert run.out.startswith("Added “Quorvan Accord signed in Tromsø” (Daily Example, "
                              "2024-06-19): "), run.out
    assert f"from {final}, saved as {s.upload_dir.resolve()}/" in run.out
    assert [p.name for p in s.upload_dir.iterdir()] == ["Quorvan_Accord_signed_in_Troms.md"]
    asked = cli(s, "ask", "--json", QUESTION)
    top = json.loads(asked.out)["citations"][0]
    assert top["url"] == final and "Tromsø" in top["quote"]


def test_cli_refuses_private_address_without_the_flag(site: Site, tmp_path: Path) -> None:
    s = make_settings(tmp_path)  # no index needed: refused before it is opened
    hits = len(site.hits)
    line = error_line(cli(s, "add", f"{site.base}/news.html"))
    assert "127.0.0.1 is a loopback address" in line and "--allow-private" in line
    assert len(site.hits) == hits and not s.upload_dir.exists()
    line = error_line(cli(s, "add", "file:///etc/passwd", "--allow-private"))
    assert "only http:// and https://" in line


# --- the Documents tab ------------------------------------------------------------------------

def test_documents_tab_adds_a_page_by_url(site: Site, built_index: Settings, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    s = private_index(tmp_path, built_index).model_copy(update={"allow_private_urls": True})
    with serve(s) as (_, url):
        client = offline_client(url, monkeypatch, None)
        status, table, _, box = client.predict(f"{site.base}/notes.txt", api_name="/add_url")
        assert "✓ Added “Velmora Compact note”" in status and box == ""
        assert "Velmora Compact note" in {row[0] for row in table["data"]}
        status, *_ = client.predict("file:///etc/passwd", api_name="/add_url")
        assert "✗ Not added" in status and "only http:// and https://" in status
    assert saved(s) == ["notes.md"]
