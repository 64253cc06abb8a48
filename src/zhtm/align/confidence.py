"""How sure the aligner is of each bead: a calibrated probability that the bead is right.

The aligner picks its path with constants tuned for accuracy, which make merged beads and null
beads expensive; judged by that model, a bead the translator merged differently from the
aligner still looks certain. So each bead of the chosen path is judged by a lenient version of
the same model (merges and nulls cheap, translation evidence weighed less, scores divided by a
temperature): its posterior probability over every path in the band, by forward-backward.
That posterior is mapped to a probability of being right by a logistic fit on MAC-Dev.

Measured on MAC-Dev with the logistic fit on the other chapters (bench/bench_align.py): the
review list (beads under REVIEW_BELOW, ``align.pipeline``) holds about two thirds of the wrong
beads while flagging 15 % of all beads; the tuned model's own posterior held under three fifths.
The judge's constants were chosen on all six chapters: chosen with each chapter held out
(``bench_align.py --cues``) the list holds less (57 %), and no other cue tried there (bead type,
length, neighbours, cue-specific judges) ranked the wrong beads better on held-out chapters.
"""

from __future__ import annotations

import math
from dataclasses import replace

from .scoring import ScoreParams

# The lenient judge: chosen among 270 settings by how many wrong MAC-Dev beads fall in the
# lowest 15 %; the neighbours of this setting do about as well (flat optimum).
LENIENT = dict(merge=1.0, skip=-2.0, lex_weight=0.15, quote_match=0.8, quote_mismatch=0.9)
TEMPERATURE = 0.7
# P(right) = sigmoid(SLOPE * logit(posterior) + OFFSET), fitted on the six MAC-Dev chapters.
SLOPE, OFFSET = 0.95, 1.48


def lenient(params: ScoreParams) -> ScoreParams:
    """The judge's constants: the aligner's, with merges and nulls made cheap."""
    return replace(params, **LENIENT)


def bead_confidence(posterior: float, whole_block: bool = False) -> float:
    """Probability that a bead is right, from its posterior under the lenient judge. A bead
    that is its whole block is as sure as the block pairing the layout gave."""
    p = 1.0 if whole_block else min(max(posterior, 1e-6), 1 - 1e-6)
    if p >= 1.0:
        p = 1 - 1e-6
    z = SLOPE * math.log(p / (1 - p)) + OFFSET
    return round(1.0 / (1.0 + math.exp(-z)), 4)
