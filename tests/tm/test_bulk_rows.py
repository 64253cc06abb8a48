"""Rows inserted column by column (`bulk_rows.insert_columns`): a column None throughout is
written as a literal NULL (nothing bound), any other column is bound as given, and the rows
stored are the rows a plain executemany stores."""

import sqlite3

import pytest
from hypothesis import given, settings, strategies as st

from zhtm.tm.bulk_rows import all_null, insert_columns

VALUE = st.one_of(st.none(), st.integers(-2**63, 2**63 - 1), st.text(max_size=5),
                  st.binary(max_size=4), st.floats(allow_nan=False))


def _table(conn):
    conn.execute("CREATE TABLE t(a, b, c)")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(VALUE, VALUE, VALUE), min_size=1, max_size=12),
       st.sets(st.sampled_from("abc"), max_size=2))
def test_rows_stored_equal_a_plain_executemany(rows, nulled):
    rows = [tuple(None if name in nulled else v for name, v in zip("abc", row)) for row in rows]
    if all(v is None for row in rows for v in row):
        rows[0] = (1,) + rows[0][1:]
    plain, columns = sqlite3.connect(":memory:"), sqlite3.connect(":memory:")
    _table(plain)
    _table(columns)
    plain.executemany("INSERT INTO t(a, b, c) VALUES (?, ?, ?)", rows)
    insert_columns(columns, "t", {name: [row[i] for row in rows]
                                  for i, name in enumerate("abc")})
    sql = "SELECT a, b, c, typeof(a), typeof(b), typeof(c) FROM t ORDER BY rowid"
    assert columns.execute(sql).fetchall() == plain.execute(sql).fetchall()


class _Recording(sqlite3.Connection):
    def executemany(self, sql, rows):
        rows = list(rows)
        self.seen = (sql, rows)
        return super().executemany(sql, rows)


def test_a_column_null_throughout_is_written_as_null_not_bound():
    conn = sqlite3.connect(":memory:", factory=_Recording)
    _table(conn)
    insert_columns(conn, "t", {"a": [1, 2], "b": [None, None], "c": ["x", None]})
    assert conn.execute("SELECT a, b, c FROM t ORDER BY a").fetchall() == [(1, None, "x"),
                                                                        (2, None, None)]
    # the statement names b's NULL itself; c, NULL in one row only, stays bound
    assert conn.seen == ("INSERT INTO t(a, b, c) VALUES (?, NULL, ?)", [(1, "x"), (2, None)])
    assert all_null([None, None]) and not all_null([None, 0]) and all_null(())


def test_columns_of_different_lengths_are_refused():
    conn = sqlite3.connect(":memory:")
    _table(conn)
    with pytest.raises(ValueError):
        insert_columns(conn, "t", {"a": [1, 2], "b": [1], "c": [None, None]})
    with pytest.raises(ValueError):
        insert_columns(conn, "t", {"a": [None], "b": [None], "c": [None]})
    insert_columns(conn, "t", {"a": [], "b": [], "c": []})  # no rows: nothing to do
    assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 0
