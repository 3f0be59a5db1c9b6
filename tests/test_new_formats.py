"""New document formats keep working with everything else (issue 14, part 5): near-duplicate
clusters, citation checks, removal, incremental re-indexing and the eval, for PDFs, saved web
pages and pages added by URL.

Real parts: PDFs written here with fpdf2 and read by pypdf, HTML through trafilatura, a Chroma
store in tmp_path (a copy of the shared one, so only the new documents are embedded), the bundled
embedder, a local `http.server` for `add URL`, the installed `treaty-qa` console script. The
invented documents are made up for these tests; the copies re-lay shipped articles as a PDF and a
saved page (what an analyst does when the same story arrives as a PDF or from a browser).
"""

from __future__ import annotations

import html
import http.server
import json
import shutil
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import CORPUS, make_settings
from support.cli import cli
from support.live import private_index

from treaty_qa.evals import run as eval_run
from treaty_qa.index.corpus import doc_id_for, load_manifest, read_article
from treaty_qa.index.pipeline import build_index
from treaty_qa.index.text_clean import clean_text
from treaty_qa.rag.citations import verify_quotes
from treaty_qa.rag.engine import QAEngine
from treaty_qa.rag.models import Answer
from treaty_qa.settings import Settings

TDI = "tdi-strategic-partnership-pact"  # re-laid as a 3-page PDF
MUTUAL = "russia-north-korea-sign-mutual-defense-pact"  # re-laid as a saved news page
TDI_PDF, MUTUAL_PAGE = "tdi-report.pdf", "mutual-defense-saved.html"
YEARS = "How many years since Putin last visited North Korea?"  # both articles say "24 years"
# fpdf2's built-in fonts are Latin-1: typographic quotes and dashes become ASCII in the PDFs
ASCII = str.maketrans({"“": '"', "”": '"', "’": "'", "‘": "'", "…": "...", "–": "-", "—": "-"})

KORVATH = (  # an invented report, one fact per page
    "Korvath Strait fisheries talks\n"
    "The Korvath Strait fisheries agreement was signed in the port of Dunmere on 12 April 2029. "
    "Delegates from the Quellin Isles and the Norvale Republic attended the signing ceremony.",
    "Quotas\n"
    "The Korvath Strait agreement caps the annual herring catch at 85,000 tonnes for each party. "
    "A joint inspection board of nine members will check the quotas every spring.",
    "Next steps\n"
    "The Korvath Strait agreement enters into force once both parliaments ratify it. "
    "A review conference on the Korvath Strait agreement is planned in Dunmere for 2034.",
)
KORVATH_QUESTIONS = {  # question → (page, phrase of the quote)
    "Where was the Korvath Strait fisheries agreement signed?": (1, "port of Dunmere"),
    "What is the annual herring catch cap under the Korvath Strait agreement?": (2, "85,000"),
    "When is the Korvath Strait review conference planned?": (3, "2034"),
}
BRENMOOR_URL = "https://brenmoor-monitor.example/2030/10/observatory-opens"
BRENMOOR_FACTS = (
    "TEST ARTICLE (made up for the treaty-qa test suite): the Brenmoor Observatory on Mount "
    "Calder opened on 2 October 2030 after eight years of construction.",
    "The main telescope of the Brenmoor Observatory has a mirror 6.5 metres wide.",
    "The Brenmoor Observatory will be run by a consortium of four universities from Calder "
    "province.",
)
BRENMOOR_QUESTIONS = {
    "When did the Brenmoor Observatory open?": "2 October 2030",
    "How wide is the mirror of the Brenmoor telescope?": "6.5 metres",
}


# --- documents --------------------------------------------------------------------------------

def pdf_bytes(pages: list[str], title: str, created: datetime | None = None) -> bytes:
    """A text PDF, one page per entry (paragraphs on their own lines), stamped `created`."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_title(title)
    if created is not None:
        pdf.set_creation_date(created)
    for body in pages:
        pdf.add_page()
        pdf.set_font("helvetica", size=11)
        for para in body.translate(ASCII).split("\n"):
            pdf.multi_cell(0, 6, para, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
    return bytes(pdf.output())


def shipped_paragraphs(doc_id: str) -> tuple[str, list[str]]:
    """A shipped article's title and its article paragraphs (page chrome dropped, as cleaned)."""
    name = f"{doc_id}.txt"
    art = read_article(CORPUS / name, load_manifest(CORPUS)[name])
    return art.title, [p for p in clean_text(art.text, art.title).text.split("\n") if p.strip()]


def tdi_as_pdf() -> bytes:
    """The TDI article re-laid as a three-page PDF report."""
    title, paras = shipped_paragraphs(TDI)
    per = -(-len(paras) // 3)
    return pdf_bytes(["\n".join(paras[i:i + per]) for i in range(0, len(paras), per)], title)


def news_page(title: str, paragraphs: list[str], canonical: str | None = None) -> str:
    """A saved news page: the article inside menus, a cookie banner, related stories, a footer."""
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{html.escape(title)} | Example Monitor</title>{link}
<meta property="og:site_name" content="Example Monitor"></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/asia">Asia</a></nav>
<div class="cookie-banner"><p>We use cookies to improve your experience on our site.</p>
<button>Accept all cookies</button></div>
<article><h1>{html.escape(title)}</h1>
{body}
</article>
<aside><h2>Related stories</h2><ul><li><a href="/a">Storm hits the coast overnight</a></li>
<li><a href="/b">Markets close higher on Friday</a></li></ul></aside>
<footer>Copyright 2030 Example Monitor</footer></body></html>"""


def mutual_as_page() -> str:
    title, paras = shipped_paragraphs(MUTUAL)
    return news_page(title, paras[1:])  # the first paragraph repeats the title


BRENMOOR_PAGE = news_page("Brenmoor Observatory opens on Mount Calder", list(BRENMOOR_FACTS),
                          BRENMOOR_URL)
KORVATH_PDF = pdf_bytes(list(KORVATH), "Korvath Strait fisheries agreement")


# --- one shared index: the eval corpus plus copies and invented documents ----------------------

@pytest.fixture(scope="module")
def lab(built_index: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The shipped corpus, the eval's planted article, the TDI article as a PDF, the mutual-
    defence article as a saved page, and the invented Korvath PDF and Brenmoor page."""
    s = private_index(tmp_path_factory.mktemp("new-formats"), built_index)
    shutil.copy2(eval_run.PLANTED, s.corpus_dir / eval_run.PLANTED.name)
    (s.corpus_dir / TDI_PDF).write_bytes(tdi_as_pdf())
    (s.corpus_dir / MUTUAL_PAGE).write_text(mutual_as_page(), encoding="utf-8")
    (s.corpus_dir / "korvath-report.pdf").write_bytes(KORVATH_PDF)
    (s.corpus_dir / "brenmoor.html").write_text(BRENMOOR_PAGE, encoding="utf-8")
    report = build_index(s)
    assert report.errors == [] and report.documents == 10, report
    return s


@pytest.fixture(scope="module")
def engine_lab(lab: Settings) -> QAEngine:
    return QAEngine.open(lab)


def records(engine: QAEngine) -> dict[str, dict[str, Any]]:
    got = engine.store.documents.get(include=["metadatas"])
    return dict(zip(got["ids"], got["metadatas"], strict=True))


def check_citations(engine: QAEngine, ans: Answer) -> None:
    """Every citation is verbatim in its document, and a PDF citation lies on its page."""
    cited = {c.doc_id: engine.article(c.doc_id) or "" for c in ans.citations}
    assert verify_quotes(ans.citations, cited) == [], ans.citations
    for c in ans.citations:
        if c.page:
            assert c.quote in cited[c.doc_id].split("\f")[c.page - 1], c


# --- 1. near-duplicate clusters ---------------------------------------------------------------

def test_pdf_and_saved_page_cluster_with_the_articles_they_copy(engine_lab: QAEngine) -> None:
    recs = records(engine_lab)
    pdf_id, page_id = doc_id_for(Path(TDI_PDF)), doc_id_for(Path(MUTUAL_PAGE))
    assert recs[pdf_id]["pages"] == 3 and recs[page_id]["pages"] == 0
    assert recs[pdf_id]["cluster"] == recs[TDI]["cluster"]
    assert recs[page_id]["cluster"] == recs[MUTUAL]["cluster"]
    clusters = {m["cluster"] for m in recs.values()}
    assert len(clusters) == len(recs) - 3  # these two pairs and the shipped rewrite pair
    for invented in ("korvath-report", "brenmoor"):
        assert recs[invented]["cluster"] == invented


def test_a_fact_in_both_copies_counts_each_pair_once(engine_lab: QAEngine,
                                                     engine: QAEngine) -> None:
    before = engine.ask(YEARS)  # the shipped corpus alone
    ans = engine_lab.ask(YEARS)
    assert "24 years" in ans.answer and ans.corroboration == before.corroboration == 2
    assert "Also reported by 1 other independent source" in ans.answer
    recs = records(engine_lab)
    cited = [recs[c.doc_id]["cluster"] for c in ans.citations if "24 years" in c.quote]
    assert len(cited) == len(set(cited)) == 2  # one citation per pair, never the copy as well
    check_citations(engine_lab, ans)

    hits = engine_lab.retriever.retrieve(engine_lab.prepare(YEARS), 8).hits
    years = [h for h in hits if "24 years" in h.text]
    assert len(years) == 2, [h.doc_id for h in years]  # the copies took no slot of their own
    pairs = {frozenset({TDI, doc_id_for(Path(TDI_PDF))}),
             frozenset({MUTUAL, doc_id_for(Path(MUTUAL_PAGE))})}
    assert {frozenset({h.doc_id, *h.also_in}) for h in years} == pairs  # …but remembered


# --- 2. citation checks -----------------------------------------------------------------------

@pytest.mark.parametrize("question", sorted(KORVATH_QUESTIONS))
def test_pdf_citations_are_verbatim_and_on_their_page(engine_lab: QAEngine,
                                                      question: str) -> None:
    page, phrase = KORVATH_QUESTIONS[question]
    ans = engine_lab.ask(question)
    top = ans.citations[0]
    assert not ans.abstained and (top.doc_id, top.page) == ("korvath-report", page), ans.citations
    assert phrase in top.quote
    check_citations(engine_lab, ans)


def test_show_in_article_opens_the_cited_pdf_page_only(engine_lab: QAEngine) -> None:
    """The chat's "Show in article" view of a PDF citation: its page, the quote marked."""
    from treaty_qa.ui.sources import article_html

    for question, (page, _) in KORVATH_QUESTIONS.items():
        top = engine_lab.ask(question).citations[0]
        shown = article_html(engine_lab.article(top.doc_id), top)
        assert f">Page {page}</div>" in shown and f"<mark>{html.escape(top.quote)}</mark>" in shown
        for other, body in enumerate(KORVATH, start=1):  # the other pages' facts are not shown
            assert (body.split("\n")[1][:40] in shown) == (other == page), (page, other)


@pytest.mark.parametrize("question", sorted(BRENMOOR_QUESTIONS))
def test_web_page_citations_are_verbatim_and_carry_the_url(engine_lab: QAEngine,
                                                           question: str) -> None:
    ans = engine_lab.ask(question)
    top = ans.citations[0]
    assert not ans.abstained and top.doc_id == "brenmoor", ans.citations
    assert BRENMOOR_QUESTIONS[question] in top.quote
    assert (top.url, top.outlet, top.page) == (BRENMOOR_URL, "Example Monitor", None)
    check_citations(engine_lab, ans)


@pytest.mark.parametrize("doc_id", ["tdi-report", "mutual-defense-saved", "korvath-report",
                                    "brenmoor"])
def test_every_stored_sentence_of_a_new_format_is_citable(engine_lab: QAEngine,
                                                          doc_id: str) -> None:
    """What any answer could cite from these documents: each node's offsets are verbatim in the
    stored text, and a PDF node's page holds it."""
    clean = engine_lab.article(doc_id)
    got = engine_lab.store.sentences.get(where={"doc_id": doc_id}, include=["documents",
                                                                             "metadatas"])
    assert clean and len(got["ids"]) >= 4
    pdf = doc_id.endswith("report")
    for text, meta in zip(got["documents"], got["metadatas"], strict=True):
        assert clean[meta["start"]:meta["end"]] == text
        assert (meta["page"] >= 1) if pdf else (meta["page"] == 0)
        if pdf:
            assert text in clean.split("\f")[meta["page"] - 1]


# --- 3. removal -------------------------------------------------------------------------------

class Site(http.server.ThreadingHTTPServer):
    """A local web server holding the Brenmoor page (nothing leaves the machine)."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Page)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/brenmoor.html"


class Page(http.server.BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        body = BRENMOOR_PAGE.encode()
        self.send_response(200 if self.path == "/brenmoor.html" else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    server = Site()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture()
def private(tmp_path: Path, built_index: Settings) -> Settings:
    return private_index(tmp_path, built_index)


def fresh_engine(s: Settings) -> QAEngine:
    """An engine over the store as on disk now (Chroma caches one system per directory in a
    process, which does not see what a `treaty-qa` subprocess wrote)."""
    from treaty_qa.index.store import _forget

    _forget(str(s.index_dir))
    return QAEngine.open(s)


def cited_docs(engine: QAEngine, question: str) -> list[str]:
    return [c.doc_id for c in engine.ask(question).citations]


def upload_pdf(engine: QAEngine, tmp: Path) -> Path:
    from treaty_qa.ui.uploads import add_upload

    src = tmp / "incoming" / "Korvath report.pdf"
    src.parent.mkdir(exist_ok=True)
    src.write_bytes(KORVATH_PDF)
    return add_upload(engine, src, src.name)


def test_removed_pdf_upload_is_gone_and_can_be_added_again(private: Settings,
                                                           tmp_path: Path) -> None:
    question = "What is the annual herring catch cap under the Korvath Strait agreement?"
    engine = QAEngine.open(private)
    nodes_before = engine.store.count()
    dest = upload_pdf(engine, tmp_path)
    doc_id = doc_id_for(dest)
    assert cited_docs(engine, question)[:1] == [doc_id]

    run = cli(private, "remove", doc_id)
    assert run.code == 0 and run.out.startswith(f"Removed “Korvath Strait fisheries agreement” "
                                                f"({doc_id})"), run.out + run.err
    after = fresh_engine(private)
    assert not dest.exists() and after.store.count() == nodes_before
    assert after.store.sentences.get(where={"doc_id": doc_id}, include=[])["ids"] == []
    assert doc_id not in {d.doc_id for d in after.documents()}
    assert doc_id not in cited_docs(after, question)

    again = upload_pdf(after, tmp_path)  # not refused as a duplicate of what was removed
    assert again.is_file() and cited_docs(after, question)[:1] == [doc_id_for(again)]


def test_removed_url_page_is_gone_and_can_be_added_again(private: Settings,
                                                         site: Site) -> None:
    from treaty_qa.ui.urls import add_url

    question = "How wide is the mirror of the Brenmoor telescope?"
    engine = QAEngine.open(private.model_copy(update={"allow_private_urls": True}))
    nodes_before = engine.store.count()
    added = add_url(engine, site.url)
    ans = engine.ask(question)
    assert ans.citations[0].doc_id == added.doc_id and ans.citations[0].url == site.url
    check_citations(engine, ans)

    report = engine.remove_document(added.doc_id)
    assert report.origin == "upload" and report.nodes == added.sentences >= 3
    assert not added.path.exists() and engine.store.count() == nodes_before
    assert engine.store.sentences.get(where={"doc_id": added.doc_id}, include=[])["ids"] == []
    assert added.doc_id not in cited_docs(engine, question)

    again = add_url(engine, site.url)
    assert again.doc_id == added.doc_id and again.path.is_file()
    assert cited_docs(engine, question)[:1] == [again.doc_id]


# --- 4. incremental re-index ------------------------------------------------------------------

def test_indexing_a_pdf_again_embeds_nothing(private: Settings) -> None:
    pdf = private.corpus_dir / "korvath-report.pdf"
    pdf.write_bytes(pdf_bytes(list(KORVATH), "Korvath", datetime(2030, 1, 1, tzinfo=UTC)))
    first = cli(private, "index")
    assert first.code == 0 and first.out.startswith("6 documents") and \
        "embedded" in first.out, first.out + first.err
    before = fresh_engine(private)
    ids = before.store.sentences.get(where={"doc_id": "korvath-report"}, include=[])["ids"]
    sha = records(before)["korvath-report"]["sha256"]
    assert len(ids) >= 6

    second = cli(private, "index")
    assert second.out.startswith("6 documents") and "0 new embeddings" in second.out, second.out
    # the same text exported again (other bytes: a new creation date) is read again, and still
    # gives the same sentence nodes: nothing is embedded, removed or changed
    re_exported = pdf_bytes(list(KORVATH), "Korvath", datetime(2031, 6, 1, tzinfo=UTC))
    assert re_exported != pdf.read_bytes()
    pdf.write_bytes(re_exported)
    third = cli(private, "index")
    assert "(0 new embeddings); removed 0, updated 0" in third.out, third.out
    after = fresh_engine(private)
    now = after.store.sentences.get(where={"doc_id": "korvath-report"}, include=[])["ids"]
    assert sorted(now) == sorted(ids)
    # the new bytes were read and recorded, not skipped as unchanged
    assert records(after)["korvath-report"]["sha256"] != sha


# --- 5. the eval ------------------------------------------------------------------------------

NEW_FORMATS = {"tdi-report": TDI_PDF, "mutual-defense-saved": MUTUAL_PAGE,
               "korvath-report": "korvath-report.pdf", "brenmoor": "brenmoor.html"}


@pytest.fixture(scope="module")
def twin(lab: Settings, engine_lab: QAEngine, tmp_path_factory: pytest.TempPathFactory
         ) -> QAEngine:
    """The lab index with each PDF and web page replaced by a Markdown file holding the same
    text and metadata (same file stem, so the same doc id)."""
    tmp = tmp_path_factory.mktemp("twin")
    shutil.copytree(lab.corpus_dir, tmp / "articles")
    shutil.copytree(lab.index_dir, tmp / "chroma")
    s = make_settings(tmp)
    recs = records(engine_lab)
    for doc_id, name in NEW_FORMATS.items():
        (s.corpus_dir / name).unlink()
        meta = {k: recs[doc_id][k] for k in ("title", "outlet", "url") if recs[doc_id][k]}
        text = (engine_lab.article(doc_id) or "").replace("\n\f\n", "\n\n")
        (s.corpus_dir / f"{doc_id}.md").write_text(
            f"---\n{json.dumps(meta)}\n---\n{text}\n", encoding="utf-8")
    report = build_index(s)
    assert report.documents == 10  # the copied store still names the lab's files: skipped
    assert {e.path.parent for e in report.errors} == {lab.corpus_dir}
    assert report.embedded == 0  # the same sentences, whatever the format: nothing to embed
    return QAEngine.open(s)


def eval_rows(engine: QAEngine, tmp: Path) -> list[dict[str, Any]]:
    """The rows of `treaty-qa eval --split dev` run over `engine`'s index."""
    js = tmp / f"eval-{id(engine)}.json"
    code = eval_run.run_cli(make_settings(tmp), json_path=js, engine=engine)
    data = json.loads(js.read_text(encoding="utf-8"))
    assert code == (1 if data["threshold_failures"] else 0)
    return list(data["rows"])


def test_the_eval_runs_over_pdfs_and_pages_as_over_the_same_text(
        engine_lab: QAEngine, twin: QAEngine, tmp_path: Path) -> None:
    assert records(engine_lab)["tdi-report"]["pages"] == 3  # the eval index does hold a PDF
    rows = eval_rows(engine_lab, tmp_path)
    assert len(rows) == len(eval_run.load_dataset()) > 50
    assert not [r["id"] for r in rows if r["answer"].startswith("error: ")]
    for c in (c for r in rows for c in r["citations"]):  # every quote shown is verbatim
        assert (engine_lab.article(c["doc_id"]) or "")[c["start"]: c["end"]] == c["quote"]
    cited = {c["doc_id"] for r in rows for c in r["citations"]}
    assert cited & set(NEW_FORMATS)  # the new formats are part of what the eval answers from

    def seen(row: dict[str, Any]) -> tuple[Any, ...]:
        return (row["id"], row["answer"], row["confidence"], row["passed"], row["why"],
                [(c["doc_id"], c["quote"], c["good"]) for c in row["citations"]])

    assert [seen(r) for r in rows] == [seen(r) for r in eval_rows(twin, tmp_path)]
