"""Per-sentence features of the aligner: quotation events and state."""

from __future__ import annotations

import numpy as np
import pytest

from zhtm.align.features import inside_quotes, quote_event


@pytest.mark.parametrize("text, zh, event", [
    ("韦小宝道：“好，咱们打个彩头。", True, 1),             # opens, stays open
    ("明天我带银子来，在这里再打过。”", True, -1),           # closes
    ("他说：“走吧。”然后又说：“等等", True, 1),               # the last mark opens
    ("天很冷。", True, 0),
    ("'All right.", False, 1),
    ("See you here at noon tomorrow.'", False, -1),
    ("'I know,' said Trinket.", False, -1),                 # opens then closes
    ("Don't go to Xi'an.", False, 0),                       # apostrophes inside words
    ("He said: \"Come", False, 1),
    ("well-'-known", False, -1),                            # a mark read both ways counts as closing
])
def test_quote_event(text: str, zh: bool, event: int) -> None:
    assert quote_event(text, zh) == event


def test_inside_quotes_follows_the_events() -> None:
    events = np.array([0, 1, 0, 0, -1, 0, 1], dtype=np.int8)
    assert inside_quotes(events).tolist() == [False, False, True, True, True, False, False, True]
