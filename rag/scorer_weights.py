"""Fitted by `python -m treaty_qa.evals.fit_scorer --write` (do not edit by hand).

Dev split, 2026-11-26: 126 questions, 973 candidate sentences (104 holding evidence).
CV log-loss by L2: 0.3: 0.1533, 1: 0.1520, 3: 0.1521, 10: 0.1562; chosen 1.
10-fold CV (by question), best candidate per question:
  P >= 0.3: direct precision 0.84, coverage 0.76, unanswerable answered directly 0.14
  P >= 0.4: direct precision 0.85, coverage 0.75, unanswerable answered directly 0.10
  P >= 0.5: direct precision 0.87, coverage 0.69, unanswerable answered directly 0.10
  P >= 0.6: direct precision 0.92, coverage 0.68, unanswerable answered directly 0.05
  P >= 0.7: direct precision 0.92, coverage 0.64, unanswerable answered directly 0.05
"""

from treaty_qa.rag.scorer import Scorer

SCORER = Scorer(
    features=(
        'similarity', 'z', 'coverage', 'other_script', 'type_ok', 'numbers_ok',
        'entities_ok', 'entities_own', 'has_focus', 'margin_next', 'below_best', 'rank',
        'bm25', 'unknown_share', 'own_coverage', 'typed_span', 'typed_question', 'slot',
    ),
    mean=(
        0.812251, 1.76174, 0.197692, 0.0986639, 0.783145, 0.993834, 0.88592, 0.670504,
        0.134635, -0.0320848, -0.035293, 0.339466, 0.0581881, 0.36701, 0.175765,
        0.138746, 0.398767, 0.374101,
    ),
    scale=(
        0.0360473, 0.67083, 0.202057, 0.29821, 0.412103, 0.0782845, 0.317909, 0.443639,
        0.341333, 0.0365493, 0.030947, 0.225835, 0.0944314, 0.307778, 0.195537,
        0.345681, 0.489645, 0.244838,
    ),
    weights=(
        1.20385, 0.483015, 0.14472, 0.317712, 1.35394, 0.00991675, 0.613354, -0.21423,
        0.547577, 1.24764, 0.024811, 0.228575, 0.134122, -0.515278, -0.53532, 0.778236,
        -0.991089, 0.416965,
    ),
    bias=-4.65782,
)
