"""The Gradio chat: `ui.app.create_app` builds it, `ui.launch.launch` serves it, `ui.render`
turns answers into HTML (a cited source's card: `ui.sources`) and `ui.export` into Markdown,
`ui.uploads` checks and saves uploaded articles."""
