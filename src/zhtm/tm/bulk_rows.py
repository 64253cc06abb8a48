"""Inserting many rows given column by column, binding as little as possible.

Python's sqlite3 binds an int, float, str or bytes directly, but anything else (``None``
included) goes through its adapter lookup first: ~1 us a value, more than the rest of the
row. An import's rows are full of columns that are NULL in every row of a batch (an
`add_pairs` origin has no line, tuid, date, props or notes; clauses cut without English
have no spans): such a column is written as a literal NULL in the statement instead of
being bound row by row. The rows stored are the same.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence


def all_null(column: Sequence) -> bool:
    """Whether every value of `column` is None (an empty column counts as all NULL)."""
    if isinstance(column, (list, tuple)):
        return column.count(None) == len(column)
    return all(value is None for value in column)


def insert_columns(conn: sqlite3.Connection, table: str, columns: dict[str, Sequence],
                   *, verb: str = "INSERT") -> None:
    """``INSERT INTO table(names) VALUES ...`` one row per position of the (equally long)
    `columns` (name -> values); a column that is None throughout is written as NULL."""
    names = list(columns)
    lengths = {len(columns[name]) for name in names}
    if len(lengths) != 1:
        raise ValueError(f"columns of different lengths: {sorted(lengths)}")
    if not lengths.pop():
        return
    bound = [name for name in names if not all_null(columns[name])]
    if not bound:
        raise ValueError("at least one column must hold a value")
    values = ", ".join("?" if name in bound else "NULL" for name in names)
    conn.executemany(f"{verb} INTO {table}({', '.join(names)}) VALUES ({values})",
                     zip(*(columns[name] for name in bound)))
