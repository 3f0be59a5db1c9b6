"""treaty-qa: cited answers about the 2024 Russia–North Korea treaty, from news articles.

The edge of the application: settings, errors and the command line. The pipeline stages live in
the top-level packages `index` (files → stored sentence nodes), `rag` (question → cited answer),
`ui` (Gradio chat) and `evals` (measurement).
"""

__version__ = "0.1.0"
