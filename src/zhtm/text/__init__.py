"""Text: what every capability reads Chinese and English through.

Owns sentence segmentation (OmegaT's rules for Chinese), normalisation for matching, reading
text files (encodings, line ends) and bilingual layouts, and anchors (numbers, Latin strings,
names) found in a sentence. May import only the base modules (`zhtm.errors`, `zhtm.records`,
`zhtm.atomic`).
"""
