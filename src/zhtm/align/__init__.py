"""Align: bilingual documents → sentence beads with a confidence.

Owns the aligner (`aligner`: settings, passes, confidence), its features and lexicon (CC-CEDICT
glosses, learned lexicon), the banded DP (`dp`), scoring against gold (`evaluate`) and the
document pipeline (`pipeline`: layouts → paragraphs → sentences → beads). May import
`formats`, `text` and the base modules.
"""
