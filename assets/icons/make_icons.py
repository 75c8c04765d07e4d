"""Draw the node icons (white on transparent, tinted at run time) to PNG; our own work, CC0."""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
import pygame  # noqa: E402

BIG, OUT = 512, 128          # draw 4x larger, then smoothscale down for anti-aliased edges
WHITE = (255, 255, 255, 255)
CLEAR = (0, 0, 0, 0)


def users(s: pygame.Surface) -> None:
    """Two people: a head and rounded shoulders each, the front one overlapping the back one."""
    for cx, cy, r in ((340, 150, 62), (190, 200, 72)):
        body = pygame.Rect(0, 0, int(2.6 * r), int(2.4 * r))
        body.midtop = (cx, cy + r + 22)
        pygame.draw.circle(s, CLEAR, (cx, cy), r + 16)
        pygame.draw.ellipse(s, CLEAR, body.inflate(32, 32))
        pygame.draw.circle(s, WHITE, (cx, cy), r)
        pygame.draw.ellipse(s, WHITE, body)
    pygame.draw.rect(s, CLEAR, (0, 430, BIG, BIG - 430))


def dns(s: pygame.Surface) -> None:
    """A globe: circle with meridians and parallels."""
    c, r, w = (256, 256), 200, 22
    pygame.draw.circle(s, WHITE, c, r, w)
    pygame.draw.ellipse(s, WHITE, pygame.Rect(0, 0, 180, 2 * r).move(256 - 90, 256 - r), w)
    pygame.draw.line(s, WHITE, (256, 56), (256, 456), w)
    pygame.draw.line(s, WHITE, (56, 256), (456, 256), w)
    for y in (150, 362):
        half = int((r * r - (y - 256) ** 2) ** 0.5)
        pygame.draw.line(s, WHITE, (256 - half + 8, y), (256 + half - 8, y), w)


def load_balancer(s: pygame.Surface) -> None:
    """One input fanning out to three outputs."""
    pygame.draw.circle(s, WHITE, (130, 256), 70)
    w = 26
    for y in (110, 256, 402):
        pygame.draw.line(s, WHITE, (170, 256), (380, y), w)
        pygame.draw.polygon(s, WHITE, [(470, y), (370, y - 55), (370, y + 55)])


def web_server(s: pygame.Surface) -> None:
    """A rack of three server units with status lights."""
    for k in range(3):
        r = pygame.Rect(86, 60 + k * 136, 340, 112)
        pygame.draw.rect(s, WHITE, r, border_radius=22)
        pygame.draw.circle(s, CLEAR, (r.left + 58, r.centery), 20)
        for x in range(r.left + 150, r.right - 40, 44):
            pygame.draw.line(s, CLEAR, (x, r.top + 30), (x, r.bottom - 30), 14)


def database(s: pygame.Surface) -> None:
    """A cylinder made of three stacked discs."""
    left, right, top, bottom, eh = 96, 416, 70, 440, 110
    pygame.draw.rect(s, WHITE, (left, top + eh // 2, right - left, bottom - top - eh))
    pygame.draw.ellipse(s, WHITE, (left, bottom - eh, right - left, eh))
    pygame.draw.ellipse(s, WHITE, (left, top, right - left, eh))
    pygame.draw.ellipse(s, CLEAR, (left + 26, top + 20, right - left - 52, eh - 40))
    for y in (top + 150, top + 270):
        pygame.draw.arc(s, CLEAR, (left - 2, y - eh // 2, right - left + 4, eh), 3.3, 6.13, 18)


def cache(s: pygame.Surface) -> None:
    """A memory chip with pins on every side and a lightning bolt (fast) cut out of it."""
    body = pygame.Rect(126, 126, 260, 260)
    for k in range(4):
        at = body.left + 38 + k * 62
        for pin in ((at - 14, 50, 28, 90), (at - 14, 372, 28, 90), (50, at - 14, 90, 28), (372, at - 14, 90, 28)):
            pygame.draw.rect(s, WHITE, pin, border_radius=8)
    pygame.draw.rect(s, WHITE, body, border_radius=30)
    bolt = [(280, 150), (176, 276), (248, 276), (222, 362), (336, 226), (262, 226)]
    pygame.draw.polygon(s, CLEAR, bolt)


def cdn(s: pygame.Surface) -> None:
    """A cloud with three edge points hanging from it: copies served from near the users."""
    for cx, cy, r in ((176, 196, 78), (268, 150, 104), (356, 204, 72)):
        pygame.draw.circle(s, WHITE, (cx, cy), r)
    pygame.draw.rect(s, WHITE, (98, 196, 330, 80), border_radius=40)
    w = 22
    for x, y in ((120, 430), (256, 446), (392, 430)):
        pygame.draw.line(s, WHITE, (256 + (x - 256) // 3, 270), (x, y - 40), w)
        pygame.draw.circle(s, WHITE, (x, y), 44)
        pygame.draw.circle(s, CLEAR, (x, y), 20)


def object_store(s: pygame.Surface) -> None:
    """A bucket: a tapered body under an open rim."""
    top, bottom, left, right, inset, eh = 110, 440, 80, 432, 60, 90
    pygame.draw.polygon(s, WHITE, [(left, top + eh // 2), (right, top + eh // 2),
                                   (right - inset, bottom - eh // 2), (left + inset, bottom - eh // 2)])
    pygame.draw.ellipse(s, WHITE, (left + inset, bottom - eh, right - left - 2 * inset, eh))
    pygame.draw.ellipse(s, WHITE, (left, top, right - left, eh))
    pygame.draw.ellipse(s, CLEAR, (left + 24, top + 18, right - left - 48, eh - 36))
    pygame.draw.arc(s, CLEAR, (left + 20, top + 120, right - left - 40, eh), 3.3, 6.13, 18)


def session_store(s: pygame.Surface) -> None:
    """A key on a tag: what a logged-in user is known by, kept in one shared place."""
    pygame.draw.circle(s, WHITE, (176, 256), 112)
    pygame.draw.circle(s, CLEAR, (176, 256), 48)
    pygame.draw.rect(s, WHITE, (250, 226, 210, 60), border_radius=14)
    for x in (360, 420):
        pygame.draw.rect(s, WHITE, (x, 276, 36, 76), border_radius=10)


def queue(s: pygame.Surface) -> None:
    """Envelopes waiting in line inside an open tube: messages kept until a worker takes them."""
    pygame.draw.rect(s, WHITE, (40, 150, 432, 212), 22, border_radius=40)
    for x in (92, 212, 332):
        pygame.draw.rect(s, WHITE, (x, 206, 88, 100), border_radius=10)
        pygame.draw.lines(s, CLEAR, False, [(x + 8, 216), (x + 44, 256), (x + 80, 216)], 10)


def worker(s: pygame.Surface) -> None:
    """A gear: something that turns jobs into results."""
    c = (256, 256)
    for k in range(8):
        a = k * math.pi / 4
        dx, dy = math.cos(a), math.sin(a)
        pygame.draw.line(s, WHITE, (c[0] + 120 * dx, c[1] + 120 * dy), (c[0] + 196 * dx, c[1] + 196 * dy), 64)
    pygame.draw.circle(s, WHITE, c, 150)
    pygame.draw.circle(s, CLEAR, c, 62)


ICONS = {"client": users, "dns": dns, "load_balancer": load_balancer,
         "web_server": web_server, "db_primary": database, "db_replica": database,
         "cache": cache, "cdn": cdn, "object_store": object_store, "session_store": session_store,
         "queue": queue, "worker": worker}


def main(out_dir: Path = Path(__file__).resolve().parent) -> int:
    pygame.display.init()
    for name, draw in ICONS.items():
        big = pygame.Surface((BIG, BIG), pygame.SRCALPHA)
        draw(big)
        pygame.image.save(pygame.transform.smoothscale(big, (OUT, OUT)), str(out_dir / f"{name}.png"))
    print(f"wrote {len(ICONS)} icons to {out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
