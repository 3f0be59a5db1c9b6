"""Fitted by `python -m treaty_qa.evals.fit_scorer --write` (do not edit by hand).

Dev split, 2026-11-26: 126 questions, 973 candidate sentences (104 holding evidence).
CV log-loss by L2: 0.3: 0.1530, 1: 0.1517, 3: 0.1519, 10: 0.1560; chosen 1.
10-fold CV (by question), best candidate per question:
  P >= 0.3: direct precision 0.84, coverage 0.76, unanswerable answered directly 0.14
  P >= 0.4: direct precision 0.85, coverage 0.75, unanswerable answered directly 0.10
  P >= 0.5: direct precision 0.87, coverage 0.69, unanswerable answered directly 0.10
  P >= 0.6: direct precision 0.92, coverage 0.68, unanswerable answered directly 0.05
  P >= 0.7: direct precision 0.92, coverage 0.64, unanswerable answered directly 0.02
Russian/Korean dev questions (26 answerable, 6 not), cosine rule:
  rule: 26 answered directly, 20 correct; unanswerable answered directly 1
  z >= 3: 11 answered directly, 11 correct; unanswerable answered directly 0
"""

from treaty_qa.rag.scorer import Scorer

SCORER = Scorer(
    features=(
        'similarity', 'z', 'coverage', 'other_script', 'type_ok', 'numbers_ok',
        'entities_ok', 'entities_own', 'has_focus', 'margin_next', 'below_best', 'rank',
        'bm25', 'unknown_share', 'own_coverage', 'typed_span', 'typed_question', 'slot',
    ),
    mean=(
        0.812251, 1.76174, 0.197692, 0.0986639, 0.773895, 0.993834, 0.88592, 0.670504,
        0.134635, -0.0320848, -0.035293, 0.339466, 0.0581881, 0.36701, 0.175765,
        0.137718, 0.406989, 0.374101,
    ),
    scale=(
        0.0360473, 0.67083, 0.202057, 0.29821, 0.418308, 0.0782845, 0.317909, 0.443639,
        0.341333, 0.0365493, 0.030947, 0.225835, 0.0944314, 0.307778, 0.195537,
        0.344604, 0.491273, 0.244838,
    ),
    weights=(
        1.20447, 0.472322, 0.146089, 0.314338, 1.35398, 0.00984427, 0.614009, -0.209263,
        0.543098, 1.2532, 0.0279023, 0.227962, 0.130292, -0.50699, -0.534921, 0.783346,
        -0.994111, 0.417769,
    ),
    bias=-4.68997,
)
