"""Write a tiny but loadable GGUF model for the local-model tests (CI has no 1.1 GB model).

A llama-architecture model with very small dims (2 layers, 64-wide, ~0.1 MB of random F32
weights) and a minimal SentencePiece-style vocabulary: the three specials, the 256 byte-fallback
tokens `<0x00>`..`<0xFF>` (so llama.cpp can tokenize any text) and a few word pieces, plus a
ChatML template so `/v1/chat/completions` works. Its output is garbage; its plumbing is real.

>>> import tempfile, pathlib
>>> p = write_tiny_gguf(pathlib.Path(tempfile.mkdtemp()) / "tiny.gguf")
>>> p.read_bytes()[:4]
b'GGUF'
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

TINY_NAME = "treaty-qa tiny test model"
CHATML = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
_WORDS = ["▁the", "▁treaty", "▁Russia", "▁North", "▁Korea", "▁signed", "▁in", "▁June", "."]


def _vocab() -> tuple[list[str], list[float], list[int]]:
    from gguf import TokenType

    tokens = ["<unk>", "<s>", "</s>"]
    types = [TokenType.UNKNOWN, TokenType.CONTROL, TokenType.CONTROL]
    tokens += [f"<0x{b:02X}>" for b in range(256)]
    types += [TokenType.BYTE] * 256
    tokens += ["▁", *_WORDS]
    types += [TokenType.NORMAL] * (1 + len(_WORDS))
    scores = [0.0] * 259 + [-float(i) for i in range(1 + len(_WORDS))]
    return tokens, scores, [int(t) for t in types]


def write_tiny_gguf(path: Path, *, n_embd: int = 64, n_layer: int = 2, n_head: int = 4,
                    n_ff: int = 128, n_ctx: int = 512, seed: int = 0) -> Path:
    """Write the tiny model to `path` and return it (about 0.3 MB)."""
    from gguf import GGUFWriter

    tokens, scores, types = _vocab()
    rng = np.random.default_rng(seed)

    def weight(*shape: int) -> np.ndarray:
        return (rng.standard_normal(shape) * 0.02).astype(np.float32)

    w = GGUFWriter(str(path), "llama")
    w.add_name(TINY_NAME)
    w.add_context_length(n_ctx)
    w.add_embedding_length(n_embd)
    w.add_block_count(n_layer)
    w.add_feed_forward_length(n_ff)
    w.add_head_count(n_head)
    w.add_head_count_kv(n_head)
    w.add_rope_dimension_count(n_embd // n_head)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_file_type(0)  # all F32
    w.add_tokenizer_model("llama")
    w.add_token_list(tokens)
    w.add_token_scores(scores)
    w.add_token_types(types)
    w.add_unk_token_id(0)
    w.add_bos_token_id(1)
    w.add_eos_token_id(2)
    w.add_add_bos_token(True)
    w.add_add_eos_token(False)
    w.add_chat_template(CHATML)

    ones = np.ones(n_embd, dtype=np.float32)
    w.add_tensor("token_embd.weight", weight(len(tokens), n_embd))
    w.add_tensor("output_norm.weight", ones)
    w.add_tensor("output.weight", weight(len(tokens), n_embd))
    for i in range(n_layer):
        w.add_tensor(f"blk.{i}.attn_norm.weight", ones)
        for part in ("q", "k", "v", "output"):
            w.add_tensor(f"blk.{i}.attn_{part}.weight", weight(n_embd, n_embd))
        w.add_tensor(f"blk.{i}.ffn_norm.weight", ones)
        w.add_tensor(f"blk.{i}.ffn_gate.weight", weight(n_ff, n_embd))
        w.add_tensor(f"blk.{i}.ffn_up.weight", weight(n_ff, n_embd))
        w.add_tensor(f"blk.{i}.ffn_down.weight", weight(n_embd, n_ff))

    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path
