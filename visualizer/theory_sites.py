"""Formulas of sessions and data centres the sessions and sites cards show beside measured numbers."""

from __future__ import annotations


def lost_share(servers: int) -> float:
    """Share of the live local sessions lost when one of `servers` stateful web servers dies: 1/N
    (each holds about as many as the others).

    >>> lost_share(4), lost_share(0)
    (0.25, 0.0)
    """
    return 1.0 / servers if servers > 0 else 0.0


def failover_s(health_check_ms: float, unhealthy_after: int, ttl_s: float) -> float:
    """Seconds until a dead site's last users are sent elsewhere: the DNS's detection
    (health_check_ms x unhealthy_after) plus the TTL each user may still hold its old answer.

    >>> failover_s(1000, 2, 10)
    12.0
    """
    return health_check_ms * unhealthy_after / 1000.0 + ttl_s


def still_sent(t_s: float, ttl_s: float) -> float:
    """Share of a dead site's users still sent there `t_s` seconds after the DNS stopped handing
    it out: 1 - t / TTL (answers expire evenly over a TTL), never below 0.

    >>> still_sent(2.5, 10), still_sent(12, 10), still_sent(1, 0)
    (0.75, 0.0, 0.0)
    """
    if ttl_s <= 0:
        return 0.0
    return max(0.0, 1.0 - t_s / ttl_s)


def headroom(sites: int) -> float:
    """Utilisation each of `sites` equal sites must stay below to absorb one's failure: (N-1)/N.

    >>> headroom(2), round(headroom(3), 3)
    (0.5, 0.667)
    """
    return (sites - 1) / sites if sites > 0 else 0.0


def data_at_risk(write_rate: float, lag_ms: float) -> float:
    """Acknowledged writes a failover to a cross-site replica loses: write rate x lag.

    >>> data_at_risk(40, 300)
    12.0
    """
    return write_rate * lag_ms / 1000.0
