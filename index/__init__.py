"""Stage 1: article files → cleaned text → sentence nodes with provenance → embedded into Chroma.

Entry point: `index.pipeline.build_index(settings, paths, rebuild=False)`.
"""
