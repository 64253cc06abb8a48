"""Terms: recurring policy phrases with the translators' English → glossary entries.

Owns Chinese candidates (`chinese`), the English side (`english`, `clauses`), extraction and
the termbase job (`extract`) and the terminology check (`check`). May import `align`,
`formats`, `text` and the base modules.
"""
