"""The paging parameters every list endpoint takes, validated (a bad one is a 422 with one
line, never clamped silently: offset=-5 used to answer with "offset": -5)."""

from fastapi import Query

MAX_LIMIT = 1000
# SQLite integers are 64-bit; an offset past any store is still a valid (empty) page.
MAX_OFFSET = 10**12

OFFSET = Query(0, ge=0, le=MAX_OFFSET, description="How many items to skip (0 or more)")
LIMIT = Query(200, ge=1, le=MAX_LIMIT, description=f"Most items in the page (1 to {MAX_LIMIT})")
