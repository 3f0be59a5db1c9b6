"""Article → llama-index `TextNode`s, one per sentence, carrying their provenance.

The node id is a content hash (doc id, embedded text, occurrence), so an unchanged sentence keeps
its id across runs and is never embedded twice; a changed file re-embeds only its changed
sentences. Offsets point into the *cleaned* article text (`Article` → `clean_text`), which is
stored with the document so a citation can always be checked: ``clean[start:end] == quote``.

A PDF is cleaned page by page and its pages joined by a form-feed line (`corpus.PAGE_BREAK`), so
a node's ``page`` is the number of form feeds before it plus one, and the page text is
``clean.split("\\f")[page - 1]``. A node under a treaty article heading ("Article 4", "Статья 4",
"제4조") carries that article's number in ``article``.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass

from llama_index.core.schema import TextNode

from treaty_qa.index.corpus import PAGE_BREAK, Article
from treaty_qa.index.sentences import article_number, split_sentences, window
from treaty_qa.index.text_clean import CleanResult, clean_pages, clean_text


@dataclass(frozen=True)
class PreparedDoc:
    """An article after cleaning and splitting, ready to store."""

    article: Article
    clean: str
    removed: list[str]
    nodes: list[TextNode]


def embed_text(sentence: str, heading: str | None) -> str:
    """What is embedded for a sentence: its heading (e.g. "Article 4") then the sentence."""
    return f"{heading}: {sentence}" if heading else sentence


def node_id(doc_id: str, text: str, occurrence: int) -> str:
    """Id of the `occurrence`-th sentence with this embedded text in a document.

    >>> node_id("a", "Hello.", 0)
    'a-a354fbe1cd44a994a4c2'
    """
    h = hashlib.sha256(f"{doc_id}\x00{text}\x00{occurrence}".encode()).hexdigest()[:20]
    return f"{doc_id}-{h}"


def page_breaks(clean: str) -> list[int]:
    """Offsets of the form feeds in a cleaned PDF text: the page of offset i is
    ``bisect_right(page_breaks(clean), i) + 1``.

    >>> breaks = page_breaks("Kim met Putin.\\n\\f\\nThey signed.")
    >>> bisect_right(breaks, 3) + 1, bisect_right(breaks, 18) + 1
    (1, 2)
    """
    return [i for i, ch in enumerate(clean) if ch == "\f"]


def clean_article(article: Article) -> CleanResult:
    """The cleaned text of an article; a PDF page by page (`text_clean.clean_pages`)."""
    if article.pages:
        return clean_pages(list(article.pages), article.title)
    return clean_text(article.text, article.title)


def prepare(article: Article, window_sentences: int = 1, cluster: str | None = None) -> PreparedDoc:
    """Clean and split one article into sentence nodes (no embeddings yet)."""
    cleaned = clean_article(article)
    spans = split_sentences(cleaned.text)
    breaks = page_breaks(cleaned.text) if article.pages else None
    seen: Counter[str] = Counter()
    nodes: list[TextNode] = []
    for i, sp in enumerate(spans):
        text = embed_text(sp.text, sp.heading)
        nid = node_id(article.doc_id, text, seen[text])
        seen[text] += 1
        meta = {
            "doc_id": article.doc_id,
            "title": article.title,
            "outlet": article.outlet or "",
            "published": article.published or "",
            "language": article.language,
            "source": str(article.path),
            "heading": sp.heading or "",
            "article": article_number(sp.heading),
            "page": bisect_right(breaks, sp.start) + 1 if breaks is not None else 0,
            "url": article.url or "",
            "position": i,
            "start": sp.start,
            "end": sp.end,
            # context for display and prompts: a page break inside it is just a line break
            "window": window(cleaned.text, spans, i, window_sentences).replace(PAGE_BREAK, "\n"),
            "cluster": cluster or article.doc_id,
            "embed_text": text,
        }
        nodes.append(TextNode(id_=nid, text=sp.text, metadata=meta,
                              start_char_idx=sp.start, end_char_idx=sp.end))
    return PreparedDoc(article=article, clean=cleaned.text, removed=cleaned.removed, nodes=nodes)
