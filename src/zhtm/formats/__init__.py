"""Formats: the files zhtm reads and writes, one module per format.

TMX 1.4b (`tmx`), TBX 2008 and v3 (`tbx`), OmegaT's tab/comma-separated glossaries
(`glossary_tsv`), plain exports (`exports`) and alignment links (`links`); `xmlsafe` is the one
hostile-XML policy every reader uses. May import `text` and the base modules, never `align`,
`terms`, `tm` or the user interfaces.
"""
