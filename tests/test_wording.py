"""Korean wording: no caption or string contradicts itself, and lines never split a two-word term."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"

import pygame  # noqa: E402
import pytest  # noqa: E402

from visualizer.i18n import all_strings  # noqa: E402
from visualizer.render.fonts import font, words, wrap  # noqa: E402
from visualizer.scenario import bundled  # noqa: E402

TERMS = ("주 서버", "부 서버", "주 DB", "부 DB")
WRONG = {
    "저절로 진행": "you press a key, so it does not happen 'by itself': say it is done for you (대신 해 줍니다)",
    "곧 ρ": "'곧' means 'soon'; the formula's 'that is' is '즉'",
    "곧 {": "'곧' means 'soon'; the formula's 'that is' is '즉'",
    "집합에서": "say 'the server list' (서버 목록), not 'the set'",
    "정상으로 앎": "too telegraphic for a badge: 정상으로 알고 있음",
}


@pytest.fixture(scope="module", autouse=True)
def fonts():
    pygame.font.init()
    yield


def korean_texts() -> list[str]:
    """Every Korean text the tool shows: the string table and every bundled scenario's words."""
    texts = [entry["ko"] for entry in all_strings().values() if "ko" in entry]
    for _, sc in bundled():
        texts += [sc.meta.title.ko] + [x.ko for x in (sc.meta.summary, sc.meta.question) if x is not None]
        texts += [beat.caption.ko for beat in sc.timeline if beat.caption is not None]
    return texts


@pytest.mark.parametrize("phrase", sorted(WRONG))
def test_no_korean_text_uses_a_phrase_we_replaced(phrase):
    offenders = [s for s in korean_texts() if phrase in s]
    assert not offenders, f"{WRONG[phrase]}: {offenders}"


def test_one_syllable_prefixes_stay_with_their_word():
    assert words("새 부 서버가 주 DB를 대신합니다") == ["새 부 서버가", "주 DB를", "대신합니다"]
    assert words("web1 fails") == ["web1", "fails"]


def _kept(text: str, lines: list[str]) -> bool:
    joined = "\n".join(lines)
    return all(joined.count(term) == text.count(term) for term in TERMS)


@pytest.mark.parametrize("bold", [False, True])
def test_wrap_never_splits_a_two_word_term(bold):
    texts = [s for s in korean_texts() if any(term in s for term in TERMS)]
    assert len(texts) > 10
    px = 20
    checked = 0
    for s in texts:
        widest = max(font(px, bold).size(piece)[0] for piece in words(s))
        for width in range(widest, 700, 7):           # every piece fits: no forced break
            lines = wrap(s, px, width, bold)
            assert _kept(s, lines), (width, lines)
            assert all(font(px, bold).size(line)[0] <= width for line in lines)
            checked += 1
    assert checked > 1000


def test_a_glued_group_wider_than_the_box_still_breaks_at_its_spaces():
    px = 20
    width = font(px).size("서버가")[0] + 2
    assert wrap("새 부 서버가", px, width) == ["새 부", "서버가"] or all(
        font(px).size(line)[0] <= width for line in wrap("새 부 서버가", px, width))
    assert "".join(wrap("새 부 서버가", px, width)).replace(" ", "") == "새부서버가"
