"""Fitted by `python -m treaty_qa.evals.fit_scorer --write` (do not edit by hand).

Dev split, 2026-11-26: 126 questions, 948 candidate sentences (121 holding evidence).
CV log-loss by L2: 0.3: 0.1816, 1: 0.1801, 3: 0.1800, 10: 0.1837, 30: 0.1943; chosen 3.
10-fold CV (by question), best candidate per question:
  all questions (126):
    P >= 0.3: direct precision 0.82, coverage 0.77, unanswerable answered directly 0.14
    P >= 0.4: direct precision 0.85, coverage 0.76, unanswerable answered directly 0.12
    P >= 0.5: direct precision 0.88, coverage 0.71, unanswerable answered directly 0.07
    P >= 0.6: direct precision 0.89, coverage 0.64, unanswerable answered directly 0.07
    P >= 0.7: direct precision 0.94, coverage 0.61, unanswerable answered directly 0.05
  Latin-script questions (114):
    P >= 0.3: direct precision 0.85, coverage 0.81, unanswerable answered directly 0.15
    P >= 0.4: direct precision 0.88, coverage 0.80, unanswerable answered directly 0.12
    P >= 0.5: direct precision 0.90, coverage 0.76, unanswerable answered directly 0.07
    P >= 0.6: direct precision 0.91, coverage 0.68, unanswerable answered directly 0.07
    P >= 0.7: direct precision 0.94, coverage 0.64, unanswerable answered directly 0.05
  Russian/Korean questions (12):
    P >= 0.3: direct precision 0.62, coverage 0.50, unanswerable answered directly 0.00
    P >= 0.4: direct precision 0.62, coverage 0.50, unanswerable answered directly 0.00
    P >= 0.5: direct precision 0.67, coverage 0.40, unanswerable answered directly 0.00
    P >= 0.6: direct precision 0.67, coverage 0.40, unanswerable answered directly 0.00
    P >= 0.7: direct precision 1.00, coverage 0.40, unanswerable answered directly 0.00
"""

from treaty_qa.rag.scorer import Scorer

SCORER = Scorer(
    features=(
        'similarity', 'z', 'coverage', 'other_script', 'type_ok', 'numbers_ok',
        'entities_ok', 'entities_own', 'has_focus', 'margin_next', 'below_best', 'rank',
        'bm25', 'unknown_share', 'own_coverage', 'typed_span', 'typed_question', 'slot',
    ),
    mean=(
        0.81319, 1.77829, 0.202225, 0.100211, 0.773207, 0.994726, 0.890295, 0.65988,
        0.139241, -0.0322628, -0.0349012, 0.331857, 0.0578823, 0.364783, 0.173646,
        0.163502, 0.432489, 0.380802,
    ),
    scale=(
        0.0363622, 0.712138, 0.204115, 0.300281, 0.418758, 0.0724323, 0.312521,
        0.444845, 0.346197, 0.0350076, 0.0307136, 0.223224, 0.0962592, 0.307434,
        0.197726, 0.369823, 0.495421, 0.247414,
    ),
    weights=(
        1.0807, 0.642987, 0.198037, 0.333179, 1.02304, 0.00909995, 0.652015, -0.328046,
        0.477012, 0.520913, 0.173504, 0.00425489, 0.147726, -0.258593, -0.498681,
        0.637463, -0.804419, 0.372004,
    ),
    bias=-3.84461,
)
