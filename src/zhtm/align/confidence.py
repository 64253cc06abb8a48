"""Bead confidence (placeholder: the posterior itself)."""

from __future__ import annotations

WHOLE_BLOCK_CONFIDENCE = 0.8


def bead_confidence(posterior: float, a: int, b: int, whole_block: bool = False) -> float:
    if a == 0 or b == 0:
        return round(min(posterior, 0.05), 4)
    if whole_block:
        return round(max(WHOLE_BLOCK_CONFIDENCE, posterior), 4)
    return round(max(0.0, min(1.0, posterior)), 4)
