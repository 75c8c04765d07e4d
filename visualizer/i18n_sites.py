"""On-screen strings of data centres (site bands) and of the sessions and sites theory cards."""

from __future__ import annotations

SITE_STRINGS: dict[str, dict[str, str]] = {
    "site.dns_still": {"en": "DNS still sends users here", "ko": "DNS가 아직 사용자를 여기로 보냄"},
    "site.dns_stopped": {"en": "DNS stopped sending users here", "ko": "DNS가 더 이상 여기로 보내지 않음"},
}
