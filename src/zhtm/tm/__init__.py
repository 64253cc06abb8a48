"""TM: the translation-memory store and exact fuzzy retrieval over it.

Owns the SQLite store (`store`), the fuzzy index and its bounds (`fuzzy` and the modules it
uses), and lookups built on them (`matching`: match, concordance, pretranslate). May import
`terms`, `align`, `formats`, `text` and the base modules.
"""
