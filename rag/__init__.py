"""Stage 2: a question (and chat history) → hybrid retrieval → a cited `Answer`.

Entry point: `rag.engine.QAEngine` (`ask`, `ask_stream`).
"""
