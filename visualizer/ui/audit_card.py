"""The capstone's audit card: the chapter's closing list, each line ticked beside the evidence the run gave."""

from __future__ import annotations

from visualizer import audit
from visualizer.i18n import t

Rows = list[tuple[str, bool]]

MARKS = {"ticked": "√", "waiting": "○", "failed": "×"}     # glyphs NanumGothic has


def audit_lines(sim, lang: str) -> Rows:
    """A title with the count ticked, then one row per line: its mark, the rule, and either the
    evidence (tested) or what it still waits for."""
    lines = audit.audit(sim)
    done = sum(1 for line in lines if line.ticked)
    rows: Rows = [(t("theory.audit", lang, n=done, of=len(lines)), True)]
    for line in lines:
        rows.append((_row(sim, line, lang), False))
    return rows


def _row(sim, line: audit.AuditLine, lang: str) -> str:
    rule = t(f"audit.{line.key}", lang)
    if not line.tested:
        return f"{MARKS['waiting']} {rule}: {t(f'audit.wait_{line.key}', lang)}"
    mark = MARKS["ticked"] if line.passed else MARKS["failed"]
    values = dict(line.values)
    site = sim.sites.get(values.get("site", "")) if line.key == "sites" else None
    if site is not None:
        values["site"] = site.title_ko if lang == "ko" else site.title_en    # the name the bands show
    return f"{mark} {rule}: {t(line.evidence, lang, **values)}"
