"""The strings of group cards (render/groups.py): a crowded column's kinds drawn one card each."""

GROUP_STRINGS: dict[str, dict[str, str]] = {
    "group.up": {"en": "{up} of {n} up", "ko": "{n}대 중 {up}대 정상"},
    "group.load": {"en": "{pct}% busy · {busy}/{workers}", "ko": "{pct}% 사용 중 · {busy}/{workers}"},
    "group.fold": {"en": "▲ fold {name} ×{n} (showing {first}–{last})", "ko": "▲ {name} ×{n} 접기 ({first}–{last}번째)"},
    "key.group": {"en": "Click a group card (web ×480): show its cards a page at a time; ▲ folds them again",
                  "ko": "묶음 카드(web ×480) 클릭: 카드를 한 쪽씩 펼침; ▲ 탭: 다시 접기"},
}
