"""Align: bilingual documents → sentence beads with a confidence.

Owns the aligner (`aligner`: settings and passes), its features and lexicon (CC-CEDICT glosses,
tokens, quotes), the translation table learned by EM (`ttable`, reusable: p(en | zh), links),
the bead scores (`scoring`), the banded DP and forward-backward (`dp`), the calibrated
confidence (`confidence`), scoring against gold (`evaluate`) and the document pipeline
(`pipeline`: layouts → paragraphs → sentences → beads). May import `formats`, `text` and the
base modules.
"""
