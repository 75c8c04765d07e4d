"""NanumGothic fonts and rendered text, cached by size so scaling the window stays cheap."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pygame

FONT_DIR = Path(__file__).resolve().parents[2] / "assets" / "fonts"
REGULAR = FONT_DIR / "NanumGothic.ttf"
BOLD = FONT_DIR / "NanumGothicBold.ttf"
BASE_SIZE = (1280, 720)


def ui_scale(size: tuple[int, int], projector: bool = False) -> float:
    """How much bigger than the 1280x720 design everything is drawn (text x1.3 in projector mode)."""
    w, h = size
    s = max(0.5, min(w / BASE_SIZE[0], h / BASE_SIZE[1]))
    return s * (1.3 if projector else 1.0)


@lru_cache(maxsize=64)
def font(px: int, bold: bool = False) -> pygame.font.Font:
    """NanumGothic (Bold) at `px` pixels; every text in the tool goes through here."""
    if not pygame.font.get_init():
        pygame.font.init()
    return pygame.font.Font(str(BOLD if bold else REGULAR), max(6, int(px)))


@lru_cache(maxsize=1024)
def text(s: str, px: int, color: tuple[int, int, int], bold: bool = False) -> pygame.Surface:
    """`s` rendered anti-aliased; cached, so drawing the same label each frame costs a blit. The
    cache holds the labels a frame draws many times over; numbers that change every frame (the
    clock) pass through it, so it is kept to a size whose surfaces stay tens of MB at 1920x1080."""
    return font(px, bold).render(s, True, color)


def _is_syllable(word: str) -> bool:
    """One Hangul syllable: a prefix such as 주/부/새/두/한 that belongs with the word after it."""
    return len(word) == 1 and "\uac00" <= word <= "\ud7a3"


def words(para: str) -> list[str]:
    """The unbreakable pieces of a line: words split at spaces, except that a one-syllable Hangul
    word stays with the next word, so "부 서버", "주 DB" or "두 배" never end up on two lines."""
    out: list[str] = []
    glue = False
    for word in para.split(" "):
        if glue and out:
            out[-1] = f"{out[-1]} {word}"
        else:
            out.append(word)
        glue = _is_syllable(word)
    return out


def wrap(s: str, px: int, width: int, bold: bool = False) -> list[str]:
    """Split `s` into lines no wider than `width` pixels: by words (see `words`); a piece wider than
    the box is broken at its own spaces first, then anywhere (fine for Korean too)."""
    f = font(px, bold)
    lines: list[str] = []
    for para in s.split("\n"):
        line = ""
        for piece in words(para):
            for word in [piece] if f.size(piece)[0] <= width else piece.split(" "):
                trial = f"{line} {word}" if line else word
                if f.size(trial)[0] <= width:
                    line = trial
                    continue
                if line:
                    lines.append(line)
                line = ""
                for ch in word:  # a word wider than the box: break it anywhere
                    if f.size(line + ch)[0] > width and line:
                        lines.append(line)
                        line = ""
                    line += ch
        lines.append(line)
    return lines
