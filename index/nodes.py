"""Article → llama-index `TextNode`s, one per sentence, carrying their provenance.

The node id is a content hash (doc id, embedded text, occurrence), so an unchanged sentence keeps
its id across runs and is never embedded twice; a changed file re-embeds only its changed
sentences. Offsets point into the *cleaned* article text (`Article` → `clean_text`), which is
stored with the document so a citation can always be checked: ``clean[start:end] == quote``.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass

from llama_index.core.schema import TextNode

from treaty_qa.index.corpus import Article
from treaty_qa.index.sentences import split_sentences, window
from treaty_qa.index.text_clean import clean_text


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


def prepare(article: Article, window_sentences: int = 1, cluster: str | None = None) -> PreparedDoc:
    """Clean and split one article into sentence nodes (no embeddings yet)."""
    cleaned = clean_text(article.text, article.title)
    spans = split_sentences(cleaned.text)
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
            "position": i,
            "start": sp.start,
            "end": sp.end,
            "window": window(cleaned.text, spans, i, window_sentences),
            "cluster": cluster or article.doc_id,
            "embed_text": text,
        }
        nodes.append(TextNode(id_=nid, text=sp.text, metadata=meta,
                              start_char_idx=sp.start, end_char_idx=sp.end))
    return PreparedDoc(article=article, clean=cleaned.text, removed=cleaned.removed, nodes=nodes)
