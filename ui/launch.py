"""Serve the chat: `launch(settings)` for `treaty-qa chat`, `serve_in_thread` for tests.

Loopback by default. A non-loopback bind needs a login (TREATY_QA_AUTH_USER and
TREATY_QA_AUTH_PASSWORD) unless `allow_insecure_bind` (`--insecure`) is set, in which case a loud
warning is printed. No share links, no analytics, no monitoring endpoint, no run history, and the
project, the data folders, the virtualenv and the home directory are blocked from Gradio's file
routes (`blocked_paths`).

>>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0")
(True, True, False)
"""

from __future__ import annotations

import ipaddress
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from treaty_qa.errors import IndexNotBuilt, InvalidSettings
from treaty_qa.settings import Settings

if TYPE_CHECKING:  # Gradio and the engine are imported when the chat starts, not before
    import gradio as gr

    from treaty_qa.rag.engine import QAEngine

PROJECT = Path(__file__).resolve().parents[1]  # the checkout: code, data, docs, the venv

# Gradio reads this when it is first imported (always after this module: it is imported lazily
# below); `analytics_enabled=False` is also passed explicitly. The one environment write.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


def is_loopback(host: str) -> bool:
    if host.strip().lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name we will not resolve (offline): treat it as reachable


def check_bind(settings: Settings) -> tuple[str, str] | None:
    """The login Gradio should ask for, or `InvalidSettings` when the bind would be unsafe."""
    user = settings.auth_user
    password = settings.auth_password.get_secret_value() if settings.auth_password else None
    if bool(user) != bool(password):
        raise InvalidSettings("Set both TREATY_QA_AUTH_USER and TREATY_QA_AUTH_PASSWORD for the "
                              "chat login (or neither).")
    auth = (user, password) if user and password else None
    if auth is None and not is_loopback(settings.host) and not settings.allow_insecure_bind:
        raise InvalidSettings(
            f"Binding the chat to {settings.host} exposes it to the network: set "
            "TREATY_QA_AUTH_USER and TREATY_QA_AUTH_PASSWORD to require a login, or pass "
            "--insecure (TREATY_QA_ALLOW_INSECURE_BIND=true) to allow it without one.")
    return auth


def _warn_insecure(settings: Settings) -> None:
    line = "!" * 78
    print(f"{line}\n!! WARNING: the chat listens on {settings.host}:{settings.port} WITHOUT a "
          "login (--insecure).\n!! Anyone who can reach this machine can ask questions and "
          "upload articles.\n!! Set TREATY_QA_AUTH_USER and TREATY_QA_AUTH_PASSWORD instead."
          f"\n{line}", file=sys.stderr, flush=True)


def open_engine(settings: Settings) -> QAEngine:
    """The engine for `settings`, building the index first (with console progress) if missing.

    A configured LLM endpoint is probed once (`rag.llm_probe`); if it cannot be used the engine
    answers offline and `engine.startup_notice` says why."""
    from treaty_qa.rag.engine import QAEngine

    try:
        return QAEngine.open(settings, probe=True)
    except IndexNotBuilt:
        from rich.console import Console

        from treaty_qa.index.corpus import default_roots
        from treaty_qa.ui.progress import build_with_progress

        console = Console(stderr=True)
        roots = " and ".join(str(r) for r in default_roots(settings))
        console.print(f"No index yet: building it from {roots} …", highlight=False,
                      soft_wrap=True)
        report = build_with_progress(settings, console)  # corpus and uploads
        console.print(f"Indexed {report.documents} documents ({report.nodes} sentences) in "
                      f"{report.seconds:.1f} s.", highlight=False, soft_wrap=True)
        return QAEngine.open(settings, probe=True)


def blocked_paths(settings: Settings, keep: Sequence[Path]) -> list[str]:
    """Folders Gradio must never serve nor copy into its cache: the data folders, the project,
    the working directory, the virtualenv, Python itself and the home directory. A folder that
    holds one in `keep` (Gradio's upload cache, the temp folder exports are written to) is left
    out: blocking it would refuse every upload and export.

    >>> s = Settings(_env_file=None, corpus_dir="/srv/a", upload_dir="/srv/u", index_dir="/srv/i")
    >>> b = blocked_paths(s, keep=[Path("/srv/u/gradio")])
    >>> "/srv/a" in b, "/srv/u" in b, str(PROJECT) in b, "/" in b
    (True, False, True, False)
    """
    folders = [settings.corpus_dir, settings.upload_dir, settings.index_dir, PROJECT, Path.cwd(),
               Path(sys.prefix), Path(sys.base_prefix), Path.home()]
    kept = [Path(k).resolve() for k in keep]
    return sorted({str(r) for r in (Path(f).resolve() for f in folders)
                   if not any(k.is_relative_to(r) for k in kept)})


def launch_options(settings: Settings, auth: tuple[str, str] | None, port: int) -> dict[str, Any]:
    """Keyword arguments for `Blocks.launch()`: safe defaults, our look, nothing remote.
    Gradio's file routes serve only its own cache (uploads, exports): no `allowed_paths`."""
    from gradio.utils import get_upload_folder

    from treaty_qa.ui.style import launch_kwargs

    keep = [Path(get_upload_folder()), Path(tempfile.gettempdir())]  # uploads; exports
    return dict(server_name=settings.host, server_port=port, auth=auth, share=False,
                max_file_size=max(settings.max_file_bytes, settings.max_pdf_bytes),
                allowed_paths=[],
                blocked_paths=blocked_paths(settings, keep),
                footer_links=["api", "settings"], run_history=False, enable_monitoring=False,
                mcp_server=False, pwa=False, ssr_mode=False, strict_cors=True,
                show_error=False, **launch_kwargs())


def build(settings: Settings, engine: QAEngine) -> gr.Blocks:
    """The app with its queue: `concurrency_limit` answers at once, the rest wait in line."""
    from treaty_qa.ui.app import create_app

    demo = create_app(settings, engine)
    demo.queue(default_concurrency_limit=settings.concurrency_limit)
    return demo


def launch(settings: Settings) -> None:
    """Open (or first build) the index and serve the chat until interrupted."""
    auth = check_bind(settings)  # before anything is built or bound
    engine = open_engine(settings)
    if auth is None and not is_loopback(settings.host):
        _warn_insecure(settings)
    if notice := engine.startup_notice:
        print(f"notice: {notice}", file=sys.stderr, flush=True)
    demo = build(settings, engine)
    print(f"treaty-qa chat ({engine.mode}) on http://{settings.host}:{settings.port}"
          f"{' (login required)' if auth else ''} — Ctrl+C to stop", flush=True)
    demo.launch(quiet=True, **launch_options(settings, auth, settings.port))


def serve_in_thread(settings: Settings, engine: QAEngine,
                    port: int = 0) -> tuple[gr.Blocks, str]:
    """Start the app in a background thread on a free localhost port: (app, url). For tests;
    stop it with `app.close()`."""
    import socket

    auth = check_bind(settings)
    if not port:
        with socket.socket() as s:
            s.bind((settings.host, 0))
            port = s.getsockname()[1]
    demo = build(settings, engine)
    demo.launch(prevent_thread_lock=True, quiet=True, **launch_options(settings, auth, port))
    return demo, f"http://{settings.host}:{port}/"
