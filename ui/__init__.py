"""The Gradio chat: `ui.app.create_app` builds it, `ui.launch.launch` serves it, `ui.render`
turns answers into HTML and Markdown, `ui.uploads` checks and saves uploaded articles."""
