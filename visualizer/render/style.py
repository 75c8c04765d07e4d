"""State -> look: the palettes and the small style records the renderer draws nodes and dots with."""

from __future__ import annotations

from dataclasses import dataclass

from visualizer.sim.snapshot import NodeView

Color = tuple[int, int, int]


@dataclass(frozen=True)
class Palette:
    """Every colour the window uses; one calm dark theme and one high-contrast projector theme."""

    background: Color
    panel: Color
    panel_edge: Color
    card: Color
    card_edge: Color
    text: Color
    text_dim: Color
    link: Color
    link_dim: Color
    read: Color
    write: Color
    read_back: Color
    write_back: Color
    ok: Color
    failed: Color
    down_fill: Color
    down_edge: Color
    undetected: Color
    booting: Color
    promoted: Color
    highlight: Color
    busy: Color
    queue: Color
    bar_bg: Color
    chart_lines: tuple[Color, Color, Color]
    line_scale: float = 1.0


# Okabe & Ito's colour-blind-safe set (https://jfly.uni-koeln.de/color/): every hue the picture
# codes meaning with comes from it, and each meaning is also told by shape or fill (see dots.py).
OI_ORANGE = (230, 159, 0)
OI_SKY_BLUE = (86, 180, 233)
OI_GREEN = (0, 158, 115)
OI_YELLOW = (240, 228, 66)
OI_BLUE = (0, 114, 178)
OI_VERMILLION = (213, 94, 0)
OI_PURPLE = (204, 121, 167)
OKABE_ITO = (OI_ORANGE, OI_SKY_BLUE, OI_GREEN, OI_YELLOW, OI_BLUE, OI_VERMILLION, OI_PURPLE)


def _lighter(c: Color, k: float = 0.45) -> Color:
    """The way back to the user: the same hue mixed toward white (its shape stays the same)."""
    return tuple(round(v + (255 - v) * k) for v in c)  # type: ignore[return-value]


_HUES = dict(
    read=OI_SKY_BLUE, write=OI_ORANGE, read_back=_lighter(OI_SKY_BLUE), write_back=_lighter(OI_ORANGE),
    ok=OI_GREEN, failed=OI_VERMILLION, down_edge=OI_VERMILLION, undetected=OI_ORANGE,
    booting=OI_PURPLE, promoted=OI_ORANGE, highlight=OI_YELLOW, busy=OI_GREEN, queue=OI_YELLOW,
    chart_lines=(OI_GREEN, OI_YELLOW, OI_VERMILLION),
)

DARK = Palette(
    background=(17, 21, 30), panel=(24, 30, 42), panel_edge=(52, 62, 82),
    card=(34, 42, 58), card_edge=(92, 108, 138), text=(232, 236, 244), text_dim=(150, 160, 180),
    link=(78, 92, 120), link_dim=(48, 56, 74), down_fill=(46, 48, 54), bar_bg=(20, 24, 34),
    **_HUES,
)

PROJECTOR = Palette(
    background=(0, 0, 0), panel=(12, 12, 16), panel_edge=(140, 140, 160),
    card=(24, 28, 40), card_edge=(220, 226, 240), text=(255, 255, 255), text_dim=(210, 214, 224),
    link=(150, 160, 190), link_dim=(90, 96, 116), down_fill=(60, 60, 64), bar_bg=(0, 0, 0),
    line_scale=1.6, **_HUES,
)


def palette(projector: bool) -> Palette:
    """The palette for the current mode."""
    return PROJECTOR if projector else DARK


@dataclass(frozen=True)
class NodeStyle:
    """How one node looks right now (Mesa-style portrayal)."""

    fill: Color
    edge: Color
    edge_width: int
    text: Color
    icon: Color
    crossed: bool = False
    stamp: str | None = None          # i18n key of a big word over the card: DOWN, BOOTING...
    stamp_color: Color | None = None
    badge: str | None = None          # i18n key of a pill under the card
    badge_color: Color | None = None


def node_style(node: NodeView, pal: Palette) -> NodeStyle:
    """Map a node's state to its look: down is grey, crossed and stamped; undetected-down amber."""
    width = max(2, round(2 * pal.line_scale))
    if node.status in ("down", "removed"):
        undetected = node.detected_up is True and node.status == "down"
        return NodeStyle(
            fill=pal.down_fill, edge=pal.undetected if undetected else pal.down_edge,
            edge_width=width + 1, text=pal.text_dim, icon=pal.text_dim, crossed=True,
            stamp=f"status.{node.status}", stamp_color=pal.down_edge,
            badge="badge.undetected" if undetected else ("badge.detected_down" if node.detected_up is False else None),
            badge_color=pal.undetected if undetected else pal.text_dim,
        )
    if node.status == "booting":
        return NodeStyle(fill=pal.card, edge=pal.booting, edge_width=width, text=pal.text, icon=pal.booting,
                         stamp="status.booting", stamp_color=pal.booting)
    if node.status == "catching_up":
        return NodeStyle(fill=pal.card, edge=pal.booting, edge_width=width, text=pal.text, icon=pal.booting,
                         badge="status.catching_up", badge_color=pal.booting)
    if node.promoted:
        return NodeStyle(fill=pal.card, edge=pal.promoted, edge_width=width + 1, text=pal.text,
                         icon=pal.promoted, badge="badge.promoted", badge_color=pal.promoted)
    return NodeStyle(fill=pal.card, edge=pal.card_edge, edge_width=width, text=pal.text, icon=pal.text)


def dot_color(kind: int, forward: bool, pal: Palette) -> Color:
    """Reads are sky blue, writes orange (and a different shape); the way back is a lighter shade."""
    if kind == 1:
        return pal.write if forward else pal.write_back
    return pal.read if forward else pal.read_back
