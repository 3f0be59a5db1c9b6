"""The Gradio chat: `ui.app.create_app` builds it (its Documents tab's handlers:
`ui.documents_tab`; `/ask`'s history_json: `ui.history_json`), `ui.launch.launch` serves it,
`ui.render` turns answers into HTML (a cited source's card: `ui.sources`) and `ui.export` into
Markdown, `ui.uploads` checks and saves uploaded articles."""
