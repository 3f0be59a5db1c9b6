"""The file `treaty-qa ask --questions FILE` reads: one question per line, or JSON lines with a
`q` field (and an optional `history`, earlier questions oldest first). Blank lines are skipped.

    Which UN Charter article is cited?
    {"q": "What breed were they?", "history": ["What did Kim give Putin?"]}

A file that cannot be read, or a line that is not a JSON object with a string `q`, is an
`InvalidQuestion` naming the file and line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from treaty_qa.errors import InvalidQuestion


def read_questions(path: Path) -> list[dict[str, Any]]:
    """One question per line, or JSON lines with a `q` field (and optional `history`)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise InvalidQuestion(f"Cannot read {path} ({e.__class__.__name__}); give a UTF-8 file "
                              "with one question per line.") from e
    out = []
    for i, line in enumerate(lines, 1):
        if not line.strip():
            continue
        if line.lstrip().startswith("{"):
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                raise InvalidQuestion(f"{path}:{i} is not valid JSON; fix the line or use plain "
                                      "text questions.") from e
            if not isinstance(obj, dict) or not isinstance(obj.get("q"), str):
                raise InvalidQuestion(f"{path}:{i} has no string field `q`.")
            out.append(obj)
        else:
            out.append({"q": line.strip()})
    return out
