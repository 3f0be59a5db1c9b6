"""How the chat looks: the Gradio theme (local fonts only: nothing is fetched at run time), the CSS
for the HTML that `ui.render` and `ui.sources` produce, and the small script that makes citation
chips reveal their quote inside the article. Gradio 6 takes all three as `launch()` arguments."""

from __future__ import annotations

from typing import Any

CSS = """
.gradio-container { max-width: 1280px !important; }
#tq-title h1 { font-size: 1.6rem; margin: 0; letter-spacing: -0.01em; }
#tq-title p { margin: 2px 0 0; color: var(--body-text-color-subdued); }
.tq-header { display: flex; gap: 10px; align-items: center; justify-content: flex-end;
  flex-wrap: wrap; }
.tq-badge { font-size: 0.8rem; font-weight: 600; padding: 3px 10px; border-radius: 999px;
  border: 1px solid; white-space: nowrap; }
.tq-badge-offline { color: #065f46; background: #ecfdf5; border-color: #6ee7b7; }
.tq-badge-llm { color: #3730a3; background: #eef2ff; border-color: #a5b4fc; }
.tq-doccount { font-size: 0.8rem; color: var(--body-text-color-subdued); }

.tq-question { white-space: normal; }
.tq-answer { line-height: 1.55; }
.tq-text { font-size: 1rem; }
.tq-cursor { display: inline-block; width: 0.5em; height: 1em; margin-left: 2px;
  vertical-align: text-bottom; background: currentColor; opacity: 0.4;
  animation: tq-blink 1s steps(2) infinite; }
@keyframes tq-blink { 50% { opacity: 0; } }

.tq-cite { position: relative; font-size: 0.72em; line-height: 0; margin: 0 1px;
  vertical-align: super; }
.tq-cite-link, .tq-num { display: inline-block; min-width: 1.45em; padding: 0.15em 0.45em;
  border-radius: 999px; background: #dbeafe; color: #1e40af !important; font-weight: 700;
  text-align: center; text-decoration: none !important; line-height: 1.2; cursor: pointer;
  border: 1px solid #93c5fd; }
.tq-cite-link:hover, .tq-cite-link:focus { background: #1d4ed8; color: #fff !important;
  border-color: #1d4ed8; }
.tq-br { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
.tq-cite-missing { color: #b91c1c; text-decoration: line-through; }
.tq-tip { display: none; position: absolute; z-index: 50; left: -0.5em; top: 1.9em;
  width: min(26rem, 70vw); padding: 10px 12px; border-radius: 8px; line-height: 1.45;
  font-size: 0.9rem; font-weight: 400; vertical-align: baseline; text-align: left;
  background: #0f172a; color: #f8fafc; box-shadow: 0 8px 24px rgba(15, 23, 42, 0.25);
  font-family: 'Source Sans Pro', ui-sans-serif, system-ui, sans-serif; pointer-events: none; }
.tq-tip-float { position: fixed; z-index: 10000; top: 0; left: 0; }
.tq-js .tq-cite .tq-tip { display: none !important; }
.tq-tip b, .tq-tip i { display: block; font-style: normal; color: #fff; }
.tq-tip i { color: #cbd5e1; font-size: 0.8rem; margin-bottom: 4px; }
.tq-cite:hover .tq-tip, .tq-cite-link:focus + .tq-tip { display: block; }  /* without JS */

.tq-unsupported { text-decoration: underline wavy #dc2626; text-decoration-thickness: 1.5px;
  text-underline-offset: 3px; background: rgba(254, 226, 226, 0.5); }
.tq-unsupported-note { margin-top: 8px; font-size: 0.85rem; color: #b91c1c; }
.tq-unsupported-note::before { content: "⚠ "; }

.tq-abstain { border: 1px solid #f59e0b; border-left: 6px solid #d97706; background: #fffbeb;
  color: #78350f; border-radius: 8px; padding: 10px 14px; }
.tq-abstain-title { font-weight: 700; font-size: 1.02rem; margin-bottom: 2px; }
.tq-abstain-title::before { content: "⚠ "; }
/* A closest reply: neutral box, amber edge, one quote per line; not an answer, not "don't say" */
.tq-closest { border: 1px solid #cbd5e1; border-left: 6px solid #f59e0b; background: #f8fafc;
  border-radius: 8px; padding: 10px 14px; }
.tq-closest-title { font-weight: 700; font-size: 1.02rem; margin-bottom: 6px; color: #92400e; }
.tq-closest-title::before { content: "≈ "; }
.tq-closest-list { list-style: none; margin: 0 !important; padding: 0 !important;
  display: flex; flex-direction: column; gap: 8px; }
.tq-closest-list li { margin: 0 !important; padding: 2px 0 2px 10px;
  border-left: 3px solid #cbd5e1; }
.tq-closest-quote { font-size: 0.95rem; }
.tq-closest-meta { display: block; font-size: 0.78rem; color: var(--body-text-color-subdued); }
.tq-panel-closest { font-size: 0.85rem; color: #92400e; background: #fffbeb;
  border: 1px solid #fcd34d; border-radius: 8px; padding: 6px 10px; margin: 0 0 8px; }
.tq-understood { margin-top: 6px; font-size: 0.8rem; color: var(--body-text-color-subdued); }
.tq-understood q { font-style: italic; }
.tq-error { border: 1px solid #fca5a5; background: #fef2f2; color: #991b1b; border-radius: 8px;
  padding: 8px 12px; }
.tq-notices { list-style: none; margin: 0 0 8px !important; padding: 6px 10px !important;
  border-radius: 8px; background: #f1f5f9; border: 1px dashed #94a3b8; color: #334155;
  font-size: 0.85rem; }
.tq-notices li { margin: 0 !important; }
.tq-notices li::before { content: "ℹ "; }
.tq-corroboration { display: inline-block; margin-top: 8px; font-size: 0.8rem; font-weight: 600;
  color: #065f46; background: #ecfdf5; border: 1px solid #a7f3d0; border-radius: 999px;
  padding: 2px 10px; }
.tq-sources-toggle { margin-top: 10px; font-size: 0.9rem; }
.tq-sources-toggle > summary { cursor: pointer; color: #1d4ed8; font-weight: 600;
  font-size: 0.85rem; }

.tq-sources { display: flex; flex-direction: column; gap: 10px; }
.tq-source { border: 1px solid var(--border-color-primary); border-radius: 10px;
  padding: 10px 12px; background: var(--background-fill-primary);
  transition: box-shadow 0.2s, border-color 0.2s; }
.tq-source.tq-active { border-color: #2563eb; box-shadow: 0 0 0 3px rgba(37, 99, 235, 0.2); }
.tq-source-head { display: flex; gap: 8px; align-items: baseline; }
.tq-num { font-size: 0.75rem; flex: none; cursor: default; }
.tq-title { font-weight: 600; }
.tq-meta { font-size: 0.8rem; color: var(--body-text-color-subdued); margin: 2px 0 6px; }
.tq-quote { margin: 0 !important; padding: 4px 10px !important; border-left: 3px solid #93c5fd;
  color: var(--body-text-color); font-size: 0.92rem; }
.tq-also { font-size: 0.8rem; color: #065f46; margin-top: 6px; }
.tq-in-article { margin-top: 8px; }
.tq-in-article > summary { cursor: pointer; font-size: 0.85rem; color: #1d4ed8; }
.tq-article { position: relative; max-height: 260px; overflow: auto; margin-top: 6px;
  padding: 10px 12px; border-radius: 8px; background: var(--background-fill-secondary);
  font-family: Georgia, 'Liberation Serif', 'DejaVu Serif', serif; font-size: 0.9rem;
  line-height: 1.6; }
.tq-page-head { font-family: inherit; font-weight: 600; font-size: .8rem;
                color: var(--body-text-color-subdued); margin-bottom: 4px; }
.tq-disagree { margin-top: 10px; padding: 8px 12px; border: 1px solid #fca5a5;
  border-left: 6px solid #dc2626; border-radius: 8px; background: #fef2f2; }
.tq-disagree-title { font-weight: 700; font-size: 0.95rem; color: #991b1b; margin-bottom: 4px; }
.tq-disagree-title::before { content: "⇄ "; }
.tq-disagree-list { list-style: none; margin: 0 !important; padding: 0 !important; }
.tq-disagree-list li { margin: 0 !important; padding: 3px 0; font-size: 0.92rem; }
.tq-disagree-meta { display: block; font-size: 0.78rem; color: var(--body-text-color-subdued); }
.dark .tq-disagree { background: #450a0a; border-color: #7f1d1d; border-left-color: #dc2626; }
.dark .tq-disagree-title { color: #fecaca; }
.tq-article mark { background: #fde68a; color: #1f2937; padding: 1px 2px; border-radius: 3px;
  box-shadow: 0 0 0 1px #f59e0b; }
.tq-missing { font-family: inherit; color: var(--body-text-color-subdued); }
.tq-panel-empty { color: var(--body-text-color-subdued); font-size: 0.9rem; padding: 8px 2px; }
#tq-panel { max-height: max(320px, calc(100dvh - 170px)); overflow-y: auto; }
.tq-panel-turn[hidden] { display: none !important; }
.tq-panel-for { font-size: 0.85rem; color: var(--body-text-color-subdued); margin: 0 0 8px; }

/* The chat fills the screen but leaves the examples, New chat and Export above the fold on a
   1366x768 laptop; on a phone it leaves room for the question box. */
#tq-chat { --tq-chat-height: clamp(300px, calc(100dvh - 390px), 820px); }
@media (max-width: 767px) {
  #tq-chat { --tq-chat-height: clamp(320px, calc(100dvh - 290px), 640px); }
  #tq-panel { max-height: 80dvh; }
  .tq-closest { padding: 8px 10px; }
}
/* Documents on a phone: columns keep a readable width and the table scrolls sideways, instead of
   squeezing six columns into 330 px (one letter per line). Gradio sets the widths inline. */
@media (max-width: 640px) {
  #tq-documents table, #tq-documents .virtual-body { width: max-content !important; }
  #tq-documents th, #tq-documents td, #tq-documents .body-cell { width: 8.5rem !important;
    min-width: 8.5rem !important; max-width: 8.5rem !important; flex: 0 0 8.5rem !important;
    overflow-wrap: break-word; word-break: normal; }
  #tq-documents th:first-child, #tq-documents td:first-child,
  #tq-documents .body-cell:first-child { width: 13rem !important; min-width: 13rem !important;
    max-width: 13rem !important; flex: 0 0 13rem !important; }
}
#tq-documents * { font-family: var(--font) !important; }
.tq-status-ok { color: #065f46; } .tq-status-bad { color: #b91c1c; }
.dark .tq-abstain { background: #451a03; color: #fde68a; }
.dark .tq-closest { background: #1e293b; border-color: #475569; border-left-color: #f59e0b; }
.dark .tq-closest-title, .dark .tq-panel-closest { color: #fcd34d; }
.dark .tq-panel-closest { background: #451a03; }
.dark .tq-cite-link, .dark .tq-num { background: #1e3a8a; color: #dbeafe !important; }
.dark .tq-notices { background: #1e293b; color: #e2e8f0; }
.dark .tq-article mark { background: #facc15; }
"""

# Delegated from the document so it works for messages Gradio renders later. Gradio's chat
# sanitizer drops data-* attributes, so a chip names its answer and source in its href
# (#tq-src-TURN-N) and the panel, which holds every answer's sources, finds the card by id.
HEAD = """<script>
(function () {
  function reveal(a) {
    var m = /tq-src-(\\d+)-(\\d+)/.exec(a.getAttribute('href') || ''); if (!m) return;
    var card = document.getElementById('tq-panel-' + m[1] + '-' + m[2]);
    if (card) {  // show that answer's sources, hide the others
      var group = card.closest('.tq-panel-turn');
      document.querySelectorAll('#tq-panel .tq-panel-turn').forEach(function (g) {
        g.hidden = g !== group; });
    } else {  // no panel card: open the sources inside the message
      card = document.getElementById('tq-msg-' + m[1] + '-' + m[2]);
      var box = card && card.closest('details.tq-sources-toggle');
      if (box) box.open = true;
    }
    if (!card) return;
    document.querySelectorAll('.tq-source.tq-active').forEach(function (e) {
      e.classList.remove('tq-active'); });
    card.classList.add('tq-active');
    var d = card.querySelector('details.tq-in-article'); if (d) d.open = true;
    card.scrollIntoView({block: 'nearest'});
    var art = card.querySelector('.tq-article'), mark = art && art.querySelector('mark');
    if (mark) art.scrollTop = Math.max(0, mark.offsetTop - art.clientHeight / 3);
  }
  // The hover card lives on <body>: inside the chat, its scroll box and transforms clip it.
  document.documentElement.classList.add('tq-js');
  var card = null, current = null, touch = false, wasOpen = false;
  function show(sup) {
    current = sup;
    var src = sup.querySelector('.tq-tip'); if (!src) return;
    if (!card) {
      card = document.createElement('div'); card.className = 'tq-tip tq-tip-float';
      card.setAttribute('role', 'tooltip'); document.body.appendChild(card);
    }
    card.innerHTML = src.innerHTML;  /* already escaped by ui.render */
    card.style.display = 'block';
    var r = sup.getBoundingClientRect(), w = card.offsetWidth, h = card.offsetHeight;
    var top = r.bottom + 6 + h > window.innerHeight ? r.top - h - 6 : r.bottom + 6;
    card.style.left = Math.max(8, Math.min(r.left - 12, window.innerWidth - w - 8)) + 'px';
    card.style.top = Math.max(8, top) + 'px';
  }
  function hide() { current = null; if (card) card.style.display = 'none'; }
  function citeOf(ev) { return ev.target.closest && ev.target.closest('.tq-cite'); }
  function onScreen(e) {
    var r = e.getBoundingClientRect();
    return e.isConnected && r.bottom > 0 && r.top < window.innerHeight;
  }
  document.addEventListener('mouseover', function (ev) {
    var sup = citeOf(ev); if (sup) show(sup); else hide();
  }, true);
  document.addEventListener('focusin', function (ev) {
    var sup = citeOf(ev); if (sup) show(sup); else hide();
  }, true);
  // A tap elsewhere closes the card; a second tap on the same chip closes it too.
  document.addEventListener('pointerdown', function (ev) {
    var sup = citeOf(ev);
    touch = ev.pointerType !== 'mouse'; wasOpen = !!sup && sup === current;
    if (!sup) hide();
  }, true);
  document.addEventListener('keydown', function (ev) { if (ev.key === 'Escape') hide(); }, true);
  document.addEventListener('scroll', function () {  // follow the chip, or go if it went
    if (current) { if (onScreen(current)) show(current); else hide(); }
  }, true);
  document.addEventListener('click', function (ev) {
    var a = ev.target.closest && ev.target.closest('a.tq-cite-link');
    if (!a) return;
    ev.preventDefault(); ev.stopPropagation();
    var sup = a.closest('.tq-cite');
    if (touch && wasOpen) hide(); else if (sup) show(sup);
    reveal(a);
    if (current && !onScreen(current)) hide();
  }, true);
  // Keep the newest answer in view (on a phone the page may be scrolled to the examples):
  // when an answer appears or finishes, scroll the chat box, then the page, to its start.
  var seen = '', queued = false;
  function follow() {
    queued = false;
    var all = document.querySelectorAll('#tq-chat .tq-answer, #tq-chat .tq-error');
    var last = all[all.length - 1];
    var key = all.length + (last && last.classList.contains('tq-streaming') ? 's' : '');
    if (key === seen) return;
    seen = key;
    if (!last) return;
    var box = last.closest('.bubble-wrap'), r = last.getBoundingClientRect();
    if (box) {
      var b = box.getBoundingClientRect();
      if (r.top < b.top || r.bottom > b.bottom)  // not all in view: its start, or all of it
        box.scrollTop += r.height > b.height - 16 ? r.top - b.top - 8 : r.bottom - b.bottom + 8;
      r = last.getBoundingClientRect();
    }
    var vh = window.innerHeight;
    if (r.top < 0 || r.top > vh - 60)
      window.scrollBy(0, r.height > vh - 24 ? r.top - 12 : r.bottom - vh + 12);
  }
  new MutationObserver(function () {
    if (!queued) { queued = true; requestAnimationFrame(follow); }
  }).observe(document.documentElement, {childList: true, subtree: true});
})();
</script>"""


def theme() -> Any:
    """Gradio's default look with Source Sans Pro and IBM Plex Mono from Gradio's own static files.

    Only weights 400 and 700: the 600 ("SemiBold") files shipped with Gradio hold a few dozen
    glyphs, which made semibold text mix fonts letter by letter."""
    import gradio as gr
    from gradio.themes.utils import fonts

    return gr.themes.Default(
        primary_hue="blue", neutral_hue="slate",
        font=(fonts.LocalFont("Source Sans Pro", weights=(400, 700)), "ui-sans-serif",
              "system-ui", "sans-serif"),
        font_mono=(fonts.LocalFont("IBM Plex Mono", weights=(400, 700)), "ui-monospace",
                   "monospace"),
    )


def launch_kwargs() -> dict[str, Any]:
    """The look of the app as `Blocks.launch()` keyword arguments."""
    return {"theme": theme(), "css": CSS, "head": HEAD}
