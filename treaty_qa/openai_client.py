"""The one place an `openai.OpenAI` client is built from the settings (answerer, start-up probe,
LLM judge, OpenAI-compatible embedder): the same endpoint, key handling and placeholder key.

The client's own retries are off unless asked for (`max_retries`): the answerer keeps its own
bounded retries inside a total time budget (`rag.generative`), which the client's retries cannot.

>>> from treaty_qa.settings import Settings
>>> c = openai_client(Settings(_env_file=None, openai_api_key=None, openai_base_url=None))
>>> str(c.base_url), c.api_key, c.max_retries
('https://api.openai.com/v1/', 'not-set', 0)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from treaty_qa.settings import Settings

if TYPE_CHECKING:
    from openai import OpenAI

OPENAI_URL = "https://api.openai.com/v1"
PLACEHOLDER_KEY = "not-set"  # local servers need no key, but the client refuses an empty one


def api_key(settings: Settings) -> str | None:
    """The configured key, or None (an empty key counts as none)."""
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else ""
    return key or None


def openai_client(settings: Settings, timeout: float | None = None,
                  max_retries: int = 0) -> OpenAI:
    """A client for the configured OpenAI-compatible endpoint (no request is made here);
    `timeout` defaults to `llm_timeout_s`."""
    from openai import OpenAI

    return OpenAI(api_key=api_key(settings) or PLACEHOLDER_KEY,
                  base_url=settings.openai_base_url or OPENAI_URL, max_retries=max_retries,
                  timeout=settings.llm_timeout_s if timeout is None else timeout)
