"""Knobs of the fuzzy index's search, in one place (tests switch each path against brute force).

Every module reads them at call time as ``tuning.NAME``, so a test's monkeypatch reaches all.
"""

# Verification reads the candidates' bounds this many at a time (each next chunk 4x larger).
ROUND = 64
# Entries sharing the most rare bigrams with the query, verified first to raise the bar.
SEED = 16
# The seed reads the rarest bigrams' postings up to this many entries or this many bigrams.
SEED_VOLUME = 4096
SEED_KEYS = 8
# Below this window width the character scan is cheap enough without a seed.
SEED_FROM = 20_000
# Count small segments' candidates with integers rather than bit planes (tests turn it off).
COUNT_SMALL = True
# Which bound picks candidates: "auto" (bigrams, or characters where those are cheaper or the
# bigrams cannot prune), or one of "bigrams" and "chars" (tests check each against brute force).
FILTER = "auto"
# A bigram posting costs about this many window words' worth of character bit planes
# (which take a pass over the window's words per distinct query character).
BIGRAM_COST = 4
# Stop looking the skipped bigrams up once this few candidates are left (verifying is cheaper).
REFINE_DOWN_TO = 8
# Segments this large drop the postings of characters that have a bitmap when loaded.
COMPACT_FROM = 1 << 18
# A sentence segment keeps a presence bitmap (one bit per entry) for each bigram in at least
# 1/this of its entries (at 10^6 entries: 607 bigrams, 76 MB); 0: none.
BIGRAM_BITS_SHARE = 128
# A segment whose entries are at most this long finds a length window in a list (else by
# binary search in the entries' lengths).
WINDOW_TABLE_UP_TO = 1 << 16
