"""One small learned scorer: P(this retrieved sentence answers the question), from its features.

A logistic regression over the features `rag.support.candidate_features` measures (dense
similarity, term coverage, type/number/entity checks, rank, margin to the next candidate, …)
replaces the hand-tuned support weights and gates: fitted on the dev split only
(`python -m treaty_qa.evals.fit_scorer`, `evals/dataset.yaml` + `evals/calibration.yaml`, labels
= "this sentence holds the evidence"), L2-regularized, chosen by 10-fold cross-validation over
questions; the fitted numbers live in `rag/scorer_weights.py` with their provenance. Pure numpy,
deterministic.

>>> s = Scorer(features=("a", "b"), mean=(0.0, 0.0), scale=(1.0, 1.0), weights=(2.0, -1.0),
...            bias=0.0)
>>> round(s.probability([1.0, 2.0]), 3), round(s.probability([1.0, 0.0]), 3)
(0.5, 0.881)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Scorer:
    """Standardize each feature, then a logistic function of their weighted sum."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float

    def probability(self, x: Sequence[float]) -> float:
        if len(x) != len(self.features):
            raise ValueError(f"expected {len(self.features)} features, got {len(x)}")
        z = self.bias + sum(w * (v - m) / s for w, v, m, s in
                            zip(self.weights, x, self.mean, self.scale, strict=True))
        return 1.0 / (1.0 + math.exp(-z))


def fit(names: Sequence[str], x: np.ndarray, y: np.ndarray, l2: float = 1.0,
        iterations: int = 50) -> Scorer:
    """L2-regularized logistic regression by Newton's method (the bias is not penalized).

    >>> x = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0.0, 0.0, 1.0, 1.0])
    >>> s = fit(["f"], x, y, l2=0.1)
    >>> s.probability([0.0]) < 0.2 < 0.8 < s.probability([3.0])
    True
    """
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = np.c_[(x - mean) / scale, np.ones(len(x))]
    w = np.zeros(z.shape[1])
    penalty = l2 * np.r_[np.ones(len(w) - 1), 0.0]
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-z @ w))
        grad = z.T @ (p - y) + penalty * w
        hess = (z * (p * (1 - p))[:, None]).T @ z + np.diag(penalty)
        step = np.linalg.solve(hess, grad)
        w -= step
        if float(np.abs(step).max()) < 1e-10:
            break
    return Scorer(features=tuple(names), mean=tuple(float(v) for v in mean),
                  scale=tuple(float(v) for v in scale),
                  weights=tuple(float(v) for v in w[:-1]), bias=float(w[-1]))
