"""The held-out dev check: the `*_b` sections of `evals/calibration.yaml` (116 questions written
2026-11-26 by someone who never saw the eval splits) and the plain `*_c` ones (73 questions in a
first-time user's direct wording, written 2026-11-27 the same way), and the fresh plain `*_d` ones
(80 questions, 2026-11-27, eighth session, same way), `*_e` ones (80, ninth session, same
way), `*_f` ones (80, tenth session, same way), `*_g` ones (95, twelfth session, same way,
40 of them Russian/Korean), `*_h` ones (90, fourteenth session, same way), the Russian/Korean
`*_i` ones (48, fifteenth session, same way), the English `*_j` ones (65, sixteenth session,
same way), the English `*_k` ones (70, seventeenth session, same way), the English `*_l`
and `*_m` ones (75 and 80, eighteenth session, same way) and the English `*_n` and `*_o` ones
(70 and 85, nineteenth session, same way; `offtopic_o`: 15 questions off the subject that share
its words, scored as unanswerable) and the English `*_p` ones (80, twentieth session, same way,
10 of them off-topic) and the `*_q` ones (80, twenty-first session, same way, 8 of the answerable
ones Russian/Korean, 10 off-topic) and the `*_r` ones (80, twenty-first session, same way) and the
`*_s`, `*_t` and `*_u` ones (80 each, twenty-second session, same way, 8, 4 and 4 of the
answerable ones Russian/Korean) and the `*_v` ones (80, twenty-third session, same way, 8 of the
answerable ones Russian/Korean) and the `*_w` and `*_x` ones (80 each, twenty-fourth session,
same way); no fit reads them (`fit_scorer --all` reads the `_b` and `_c` ones). Answered by the
real engine over the eval's private index, scored at answer level.

Per answerable section: direct answers, their precision (a citation matches the case's `has`
pattern), coverage (correct direct answers / questions), evidence in closest replies, and
"useful" (correct direct, or closest with the evidence). Per unanswerable section: how many got a
direct answer (the thing the offline answerer must not do), and how many of those came with a
typed lead ("10,000 soldiers — …": an invented answer, the worst outcome).

    python -m treaty_qa.evals.heldout
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from typing import Any

import yaml

from treaty_qa.evals.fit_scorer import CALIBRATION
from treaty_qa.evals.run import eval_engine
from treaty_qa.rag.engine import QAEngine
from treaty_qa.settings import Settings

ANSWERABLE = ("answer_b", "followup_b", "other_script_answer_b", "answer_c", "followup_c",
              "answer_d", "followup_d", "other_script_answer_d", "answer_e", "followup_e",
              "other_script_answer_e", "answer_f", "followup_f", "other_script_answer_f",
              "answer_g", "followup_g", "other_script_answer_g",
              "answer_h", "followup_h", "other_script_answer_h", "other_script_answer_i",
              "answer_j", "followup_j", "answer_k", "followup_k",
              "answer_l", "followup_l", "answer_m", "followup_m", "answer_n", "followup_n",
              "answer_o", "followup_o", "answer_p", "followup_p", "answer_q", "followup_q",
              "answer_r", "followup_r", "answer_s", "followup_s", "answer_t", "followup_t",
              "answer_u", "followup_u", "answer_v", "followup_v",
              "answer_w", "followup_w", "answer_x", "followup_x")
UNANSWERABLE = ("abstain_b", "other_script_abstain_b", "abstain_c", "abstain_d",
                "other_script_abstain_d", "abstain_e", "other_script_abstain_e",
                "abstain_f", "other_script_abstain_f", "abstain_g", "other_script_abstain_g",
                "abstain_h", "other_script_abstain_h", "other_script_abstain_i", "abstain_j",
                "abstain_k", "abstain_l", "abstain_m", "abstain_n", "abstain_o", "offtopic_o",
                "abstain_p", "offtopic_p", "abstain_q", "offtopic_q", "abstain_r", "offtopic_r",
                "abstain_s", "offtopic_s", "abstain_t", "offtopic_t", "abstain_u", "offtopic_u",
                "abstain_v", "offtopic_v", "abstain_w", "offtopic_w",
                "abstain_x", "offtopic_x")


@dataclass(frozen=True)
class Tally:
    section: str
    n: int
    direct: int  # answered directly
    correct: int  # … with a citation holding the answer
    closest_good: int  # closest replies quoting the answer
    leads: int = 0  # direct answers with a typed lead on a question that has no answer

    @property
    def precision(self) -> float:
        return self.correct / self.direct if self.direct else 0.0

    @property
    def coverage(self) -> float:
        return self.correct / self.n if self.n else 0.0

    @property
    def useful(self) -> float:
        return (self.correct + self.closest_good) / self.n if self.n else 0.0


def tally(engine: QAEngine, section: str, cases: list[dict[str, Any]]) -> Tally:
    direct = correct = closest_good = leads = 0
    for c in cases:
        a = engine.ask(c["q"], list(c.get("history", [])))
        holds = "has" in c and any(re.search(c["has"], x.quote, re.IGNORECASE)
                                   for x in a.citations)
        direct += a.confidence == "answer"
        correct += a.confidence == "answer" and holds
        closest_good += a.confidence == "closest" and holds
        leads += "has" not in c and a.confidence == "answer" and a.lead is not None
    return Tally(section, len(cases), direct, correct, closest_good, leads)


def run(settings: Settings) -> list[Tally]:
    cal = yaml.safe_load(CALIBRATION.read_text(encoding="utf-8"))
    with eval_engine(settings) as engine:
        return [tally(engine, s, cal[s]) for s in (*ANSWERABLE, *UNANSWERABLE)]


def render(tallies: list[Tally]) -> list[str]:
    lines = []
    for t in tallies:
        if t.section in UNANSWERABLE:
            lines.append(f"{t.section:24s} n={t.n:3d}  answered directly {t.direct}/{t.n}, "
                         f"with a typed lead {t.leads}")
        else:
            lines.append(f"{t.section:24s} n={t.n:3d}  direct {t.direct}, precision "
                         f"{t.precision:.2f}, coverage {t.coverage:.2f}, evidence in closest "
                         f"{t.closest_good}/{t.n - t.direct}, useful {t.useful:.2f}")
    return lines


def main() -> int:
    print("\n".join(render(run(Settings()))))  # type: ignore[call-arg]  # from the environment
    return 0


if __name__ == "__main__":
    sys.exit(main())
