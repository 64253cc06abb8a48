"""Which server addresses stay on this machine: the one rule both `zhtm serve` (before it
starts) and the workbench (on every request) apply, so that a token is required whenever
the server can be reached from the network."""

from __future__ import annotations

import ipaddress


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 and localhost; anything else may be reachable from the network."""
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
