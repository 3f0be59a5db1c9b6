"""PDFs in (issue 14, part 1): text per page with page numbers on every sentence node, and a
one-line refusal with advice for scanned, password-protected, malformed and over-long PDFs —
through `read_article`, `treaty-qa index` and a chat upload.

Every PDF is written here with fpdf2 (an invented event: nothing real is quoted); real parts
otherwise: pypdf, a Chroma store in tmp_path, the bundled embedder, the installed console script.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import make_settings
from support.cli import cli
from support.live import private_index

from treaty_qa.errors import DuplicateDocument, InvalidDocument
from treaty_qa.index.corpus import read_article
from treaty_qa.index.nodes import prepare
from treaty_qa.rag.engine import QAEngine
from treaty_qa.settings import Settings

HEADER = "Velmora Gazette - Special Report"
PAGES = (
    "Lumen Bridge opens in Velmora\n"
    "The Lumen Bridge in Velmora opened to traffic on 3 May 2031. "
    "Mayor Idris Ostra cut the ribbon in front of a crowd of four thousand people.",
    "Building the bridge\n"
    "The Lumen Bridge cost 40 million crowns and took six years to build. "
    "Its main span crosses the Tarn river on eleven granite piers.",
    "What comes next\n"
    "A second crossing, the Ember Tunnel, is planned for 2036. "
    "The city council will vote on its budget in the autumn.",
)
PAGE_2_FACT = "The Lumen Bridge cost 40 million crowns and took six years to build."


def text_pdf(pages: tuple[str, ...] = PAGES, title: str | None = "Lumen Bridge Report",
             user_password: str | None = None) -> bytes:
    """A text PDF: one page per entry, with a running header and a "Page N of M" footer."""
    from fpdf import FPDF

    class Report(FPDF):
        def header(self) -> None:
            self.set_font("helvetica", size=9)
            self.cell(0, 8, HEADER, new_x="LMARGIN", new_y="NEXT")

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("helvetica", size=9)
            self.cell(0, 8, f"Page {self.page_no()} of {{nb}}", align="C")

    pdf = Report()
    if title:
        pdf.set_title(title)
        pdf.set_author("Velmora Gazette desk")
    if user_password is not None:
        pdf.set_encryption(owner_password="owner-pw", user_password=user_password)
    for body in pages:
        pdf.add_page()
        pdf.set_font("helvetica", size=12)
        for para in body.split("\n"):
            pdf.multi_cell(0, 7, para, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def scanned_pdf() -> bytes:
    """Two pages that are only pictures of text: no text layer."""
    from fpdf import FPDF
    from PIL import Image, ImageDraw

    pdf = FPDF()
    for line in ("The Lumen Bridge opened.", "It cost 40 million crowns."):
        img = Image.new("RGB", (800, 200), "white")
        ImageDraw.Draw(img).text((20, 80), line, fill="black")
        pdf.add_page()
        pdf.image(img, x=10, y=10, w=180)
    return bytes(pdf.output())


def refusals() -> dict[str, tuple[bytes, str]]:
    """File name → (bytes, the advice its one-line refusal must carry)."""
    good = text_pdf()
    return {
        "scan.pdf": (scanned_pdf(), "has no text layer (scanned?); run OCR first"),
        "locked.pdf": (text_pdf(user_password="s3cret"),
                       "is password-protected; save an unprotected copy"),
        "truncated.pdf": (good[: len(good) // 2], "is not a readable PDF ("),
        "junk.pdf": (b"%PDF-1.7\n" + bytes(range(256)) * 40, "is not a readable PDF ("),
        "long.pdf": (text_pdf(PAGES * 2), "has 6 pages, more than the 5-page limit; split it"),
    }


def write(folder: Path, files: dict[str, bytes]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)


# --- reading and splitting -------------------------------------------------------------------

def test_pdf_text_is_split_per_page_with_page_numbers(tmp_path: Path) -> None:
    path = tmp_path / "lumen.pdf"
    path.write_bytes(text_pdf())
    art = read_article(path)
    assert (art.title, art.author, len(art.pages)) == ("Lumen Bridge Report",
                                                       "Velmora Gazette desk", 3)
    assert art.published is None  # a PDF's creation date is not a publication date
    doc = prepare(art)
    pages = doc.clean.split("\f")
    assert len(pages) == 3
    assert HEADER not in doc.clean and "Page 2 of 3" not in doc.clean  # running lines dropped
    assert HEADER in doc.removed and "Page 2 of 3" in doc.removed
    by_page: dict[int, list[str]] = {}
    for n in doc.nodes:
        m = n.metadata
        assert doc.clean[m["start"]:m["end"]] == n.text
        assert n.text in pages[m["page"] - 1]
        by_page.setdefault(m["page"], []).append(n.text)
    assert sorted(by_page) == [1, 2, 3]
    assert PAGE_2_FACT in by_page[2]
    # a sentence the PDF wraps over two lines is one node; the short title line stays its own
    assert by_page[1] == ["Lumen Bridge opens in Velmora",
                          "The Lumen Bridge in Velmora opened to traffic on 3 May 2031.",
                          "Mayor Idris Ostra cut the ribbon in front of a crowd of four thousand "
                          "people."]


def test_a_tail_marker_ends_its_page_not_the_document(tmp_path: Path) -> None:
    pages = (PAGES[0] + "\nRelated Stories\nElection results are in.", PAGES[1], PAGES[2])
    path = tmp_path / "lumen.pdf"
    path.write_bytes(text_pdf(pages))
    doc = prepare(read_article(path))
    texts = {n.metadata["page"]: n.text for n in doc.nodes}
    assert "Election results are in." not in doc.clean
    assert sorted(texts) == [1, 2, 3]


def test_manifest_title_beats_the_pdf_info_title(tmp_path: Path) -> None:
    path = tmp_path / "lumen.pdf"
    path.write_bytes(text_pdf())
    art = read_article(path, {"title": "Bridge report", "outlet": "Gazette",
                              "url": "https://gazette.example/lumen"})
    assert (art.title, art.outlet, art.url) == ("Bridge report", "Gazette",
                                                "https://gazette.example/lumen")
    untitled = tmp_path / "untitled.pdf"
    untitled.write_bytes(text_pdf(title=None))
    assert read_article(untitled).title == HEADER  # no info title: the first line of text


@pytest.mark.parametrize("name", sorted(refusals()))
def test_bad_pdf_is_refused_in_one_line_with_advice(tmp_path: Path, name: str) -> None:
    data, advice = refusals()[name]
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InvalidDocument) as err:
        read_article(path, max_pdf_pages=5)
    message = str(err.value)
    assert message.startswith(f"{path}: ") and advice in message
    assert "\n" not in message and len(message) < 300
    if "readable" in advice:  # pypdf's exception is kept as the cause, never shown
        assert isinstance(err.value.__cause__, Exception)


def test_pdf_size_limit_is_its_own(tmp_path: Path) -> None:
    path = tmp_path / "lumen.pdf"
    data = text_pdf()
    path.write_bytes(data)
    assert read_article(path, max_bytes=100).pages  # the text limit does not apply to PDFs
    with pytest.raises(InvalidDocument, match="larger than the 100-byte PDF limit; split it"):
        read_article(path, max_pdf_bytes=100)


def test_the_same_pdf_gives_the_same_nodes(tmp_path: Path) -> None:
    path = tmp_path / "lumen.pdf"
    path.write_bytes(text_pdf())
    ids = [[n.node_id for n in prepare(read_article(path)).nodes] for _ in range(2)]
    assert ids[0] == ids[1]  # extraction is deterministic: re-indexing embeds nothing


# --- treaty-qa index -------------------------------------------------------------------------

def test_cli_indexes_a_pdf_and_skips_bad_ones_in_one_line_each(tmp_path: Path) -> None:
    s = make_settings(tmp_path)
    write(s.corpus_dir, {"lumen.pdf": text_pdf(), **{n: d for n, (d, _) in refusals().items()}})
    run = cli(s, "index", TREATY_QA_MAX_PDF_PAGES="5")
    assert run.code == 0, run.err
    assert run.out.startswith("1 documents,"), run.out
    for name, (_, advice) in refusals().items():
        lines = [ln for ln in run.err.splitlines() if name in ln]
        assert len(lines) == 1 and advice in lines[0], run.err
    sources = cli(s, "sources", "--json")
    assert '"doc_id": "lumen"' in sources.out and "Lumen Bridge Report" in sources.out


@pytest.mark.parametrize("name", ["scan.pdf", "truncated.pdf", "locked.pdf"])
def test_cli_refusal_alone_exits_non_zero_with_one_line(tmp_path: Path, name: str) -> None:
    s = make_settings(tmp_path)
    data, advice = refusals()[name]
    write(s.corpus_dir, {name: data})
    run = cli(s, "index")  # `cli` fails the test on any traceback
    assert run.code != 0
    errors = [ln for ln in run.err.splitlines() if ln.startswith("error: ")]
    assert len(errors) == 1 and advice in errors[0], run.err


# --- chat upload -----------------------------------------------------------------------------

@pytest.fixture()
def private(tmp_path: Path, built_index: Settings) -> Settings:
    return private_index(tmp_path, built_index)


def upload(engine: QAEngine, tmp: Path, name: str, data: bytes) -> Path:
    from treaty_qa.ui.uploads import add_upload

    src = tmp / "incoming" / name
    src.parent.mkdir(exist_ok=True)
    src.write_bytes(data)
    return add_upload(engine, src, name)


def test_uploaded_pdf_is_indexed_and_cited_by_page(private: Settings, tmp_path: Path) -> None:
    engine = QAEngine.open(private)
    dest = upload(engine, tmp_path, "Lumen Bridge.pdf", text_pdf())
    assert dest.parent == private.upload_dir.resolve() and dest.suffix == ".pdf"
    ans = engine.ask("How much did the Lumen Bridge cost?")
    top = ans.citations[0]
    assert (top.doc_id, top.page) == ("lumen-bridge", 2) and PAGE_2_FACT in top.quote
    clean = engine.article(top.doc_id)
    assert clean is not None and clean[top.start:top.end] == top.quote
    assert top.quote in clean.split("\f")[top.page - 1]
    with pytest.raises(DuplicateDocument, match="already indexed as Lumen Bridge Report"):
        upload(engine, tmp_path, "copy.pdf", text_pdf())  # the same text under another name


def test_refused_pdf_uploads_leave_everything_as_it_was(private: Settings,
                                                         tmp_path: Path) -> None:
    s = private.model_copy(update={"max_pdf_pages": 5})
    engine = QAEngine.open(s)
    before = engine.documents()
    for name, (data, advice) in refusals().items():
        with pytest.raises(InvalidDocument) as err:
            upload(engine, tmp_path, name, data)
        message = str(err.value)
        assert message.startswith(f"{name}: ") and advice in message, message
        assert "\n" not in message
        assert engine.documents() == before, name
        assert not s.upload_dir.exists() or not any(s.upload_dir.iterdir()), name


def test_pdf_bytes_are_not_refused_as_binary(private: Settings, tmp_path: Path) -> None:
    from treaty_qa.ui.uploads import read_upload

    data = text_pdf()
    assert b"\0" in data  # compressed page streams: NUL bytes are normal in a PDF
    src = tmp_path / "lumen.pdf"
    src.write_bytes(data)
    assert read_upload(private, src, "lumen.pdf") == data
    src_txt = tmp_path / "lumen.txt"  # … while a text article with them is still refused
    src_txt.write_bytes(data)
    with pytest.raises(InvalidDocument, match="looks binary"):
        read_upload(private, src_txt, "lumen.txt")
