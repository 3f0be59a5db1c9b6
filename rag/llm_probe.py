"""Start-up check of the configured LLM endpoint: `probe_llm(settings) -> notice | None`.

One `GET {base}/models` through the official client (no retries, timeout
min(`llm_timeout_s`, 3 s)). Any HTTP answer other than 401/403 counts as reachable (a 404 too:
some servers have no model list; 429/5xx are left to the per-question retries and fallback).
Otherwise the caller answers offline and shows the returned one-line notice, which names the
endpoint and the reason and never the API key.

>>> from treaty_qa.settings import Settings
>>> probe_llm(Settings(_env_file=None, backend="extractive")) is None
True
>>> probe_llm(Settings(_env_file=None, backend="openai", openai_api_key=None,
...                    openai_base_url=None)).split(" (")[0]  # said without any request
'No API key for the OpenAI endpoint https://api.openai.com/v1'
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from treaty_qa.openai_client import OPENAI_URL, api_key, openai_client
from treaty_qa.settings import Settings

PROBE_TIMEOUT_S = 3.0
_OFFLINE = "answering offline (extractive) instead."


def shown_url(url: str) -> str:
    """The endpoint as it may be printed: without any user:password@ part.

    >>> shown_url("http://user:pw@example.org:8080/v1")
    'http://example.org:8080/v1'
    """
    try:
        parts = urlsplit(url)
        if "@" not in parts.netloc:
            return url
        return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))
    except ValueError:
        return "(the configured OPENAI_BASE_URL)"


def _reason(e: BaseException) -> str:
    """Why a connection failed, in a few words, from the innermost useful exception."""
    chain: list[BaseException] = []
    x: BaseException | None = e
    while x is not None and x not in chain and len(chain) < 10:
        chain.append(x)
        x = x.__cause__ or x.__context__
    for x in chain:
        if isinstance(x, ConnectionRefusedError):
            return "connection refused"
        if isinstance(x, OSError) and x.strerror:
            return x.strerror[:1].lower() + x.strerror[1:]
    return str(chain[-1])[:120] or chain[-1].__class__.__name__


def probe_llm(settings: Settings) -> str | None:
    """None when no LLM is configured or its endpoint answers; else a one-line notice."""
    if not settings.use_llm():
        return None
    key = api_key(settings)
    url = settings.openai_base_url or OPENAI_URL
    where = shown_url(url)
    if key is None and settings.openai_base_url is None:
        return (f"No API key for the OpenAI endpoint {where} (set OPENAI_API_KEY, or "
                f"OPENAI_BASE_URL for a local server); {_OFFLINE}")
    import openai

    timeout = min(settings.llm_timeout_s, PROBE_TIMEOUT_S)
    notice: str | None = None
    try:
        client = openai_client(settings, timeout=timeout)
        client.models.with_raw_response.list()  # status only; the body is not parsed
    except openai.APITimeoutError:
        notice = f"LLM endpoint {where} is unreachable (no answer within {timeout:g} s); {_OFFLINE}"
    except openai.APIConnectionError as e:
        notice = f"LLM endpoint {where} is unreachable ({_reason(e)}); {_OFFLINE}"
    except openai.APIStatusError as e:
        if e.status_code in (401, 403):
            what = ("rejected the API key" if key else "requires an API key")
            hint = "check" if key else "set"
            notice = (f"LLM endpoint {where} {what} (HTTP {e.status_code}: {hint} "
                      f"OPENAI_API_KEY); {_OFFLINE}")
        # any other status: the server answers; per-question retries and fallback handle it
    except Exception as e:  # e.g. an invalid base URL: start offline rather than crash
        notice = f"LLM endpoint {where} could not be checked ({e.__class__.__name__}); {_OFFLINE}"
    if notice is None:
        return None
    notice = " ".join(notice.split())  # one line, whatever the reason text held
    return notice.replace(key, "***") if key else notice
