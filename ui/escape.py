"""Text from questions and documents made safe for the chat's HTML (`ui.render`, `ui.sources`).

Every piece of text that comes from a question or a document goes through `html.escape` here, so
a `<script>` in either shows as text. Line breaks become `<br>`: the chat HTML has no blank lines,
so Gradio's Markdown renderer treats each message as one raw HTML block and leaves it alone.

>>> esc_lines("<b>Kim</b>\\nPutin")
'&lt;b&gt;Kim&lt;/b&gt;<br>Putin'
"""

from __future__ import annotations

import html


def esc(text: object) -> str:
    """Escape text for HTML content and attributes.

    >>> esc('<img src=x onerror="alert(1)">')
    '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
    """
    return html.escape(str(text), quote=True)


def esc_lines(text: str) -> str:
    """Escaped text with line breaks as <br> (no raw newlines: they would end the HTML block)."""
    return "<br>".join(esc(line) for line in text.split("\n"))
