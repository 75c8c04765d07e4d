"""What draw_frame draws: failed nodes in their colour, one dot per request, Korean without tofu."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pygame  # noqa: E402
import pytest  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))

from conftest import pygame_display  # noqa: E402
from fakesim import snapshot_of  # noqa: E402
from visualizer.i18n import STRINGS, all_strings  # noqa: E402
from visualizer.render import dots as dotmod  # noqa: E402
from visualizer.render.fonts import font  # noqa: E402
from visualizer.render.scene import LAST, ViewState, draw_frame  # noqa: E402
from visualizer.render.style import DARK  # noqa: E402
from visualizer.scenario import bundled, load  # noqa: E402

SIZE = (1280, 720)


@pytest.fixture(scope="module", autouse=True)
def display():
    yield from pygame_display()


class CountingSurface(pygame.Surface):
    """A surface that counts how many items each fblits call blits, per source surface."""

    def __init__(self, size):
        super().__init__(size)
        self.blitted: dict[int, int] = {}

    def fblits(self, seq, special_flags=0):
        items = list(seq)
        for src, _ in items:
            self.blitted[id(src)] = self.blitted.get(id(src), 0) + 1
        return super().fblits(items, special_flags)


def combined():
    return load("combined")


def count_color(surface: pygame.Surface, rect: pygame.Rect, color) -> int:
    sub = pygame.surfarray.pixels3d(surface.subsurface(rect.clip(surface.get_rect())))
    return int(np.all(sub == np.array(color, dtype=np.uint8), axis=2).sum())


def test_failed_node_is_drawn_in_failed_colour():
    sc = combined()
    surf = pygame.Surface(SIZE)
    lay = draw_frame(surf, snapshot_of(sc, status={"web1": "down"}), ViewState())
    down = lay.rect(lay.index("web1"))
    up = lay.rect(lay.index("web2"))
    assert count_color(surf, down, DARK.down_edge) > 200        # red cross, border and DOWN stamp
    assert count_color(surf, down.inflate(-30, -30), DARK.down_fill) > 200  # greyed body
    assert count_color(surf, up, DARK.down_edge) == 0
    assert count_color(surf, up.inflate(-30, -30), DARK.down_fill) == 0


def test_undetected_down_node_is_amber():
    sc = combined()
    snap = snapshot_of(sc, status={"web1": "down"})
    nodes = tuple(n if n.id != "web1" else type(n)(**{**n.__dict__, "detected_up": True}) for n in snap.nodes)
    snap = type(snap)(**{**snap.__dict__, "nodes": nodes})
    surf = pygame.Surface(SIZE)
    lay = draw_frame(surf, snap, ViewState())
    assert count_color(surf, lay.rect(lay.index("web1")), DARK.undetected) > 100


@pytest.mark.parametrize("n", [0, 1, 37, 1000, 5000])
def test_n_dots_in_flight_make_n_dot_blits(n):
    sc = combined()
    surf = CountingSurface(SIZE)
    lay = draw_frame(surf, snapshot_of(sc, n_dots=n), ViewState())
    sprite_ids = {id(s) for s in dotmod.sprites(lay.dot_r, DARK).surfaces}
    blitted = sum(v for k, v in surf.blitted.items() if k in sprite_ids)
    assert LAST.dots == n
    assert blitted == n


def test_dots_are_visible_pixels():
    sc = combined()
    empty, full = pygame.Surface(SIZE), pygame.Surface(SIZE)
    lay = draw_frame(empty, snapshot_of(sc, n_dots=0), ViewState())
    draw_frame(full, snapshot_of(sc, n_dots=300), ViewState())
    area = lay.graph
    assert count_color(full, area, DARK.read) > count_color(empty, area, DARK.read) + 300


def test_draw_frame_is_deterministic():
    sc = combined()
    snap = snapshot_of(sc, n_dots=500, status={"db2": "down"})
    view = ViewState(lang="ko", caption="같은 입력이면 같은 그림", progress=(2, 5), highlight=("lb", "lb->web1"))
    a, b = pygame.Surface(SIZE), pygame.Surface(SIZE)
    draw_frame(a, snap, view)
    draw_frame(b, snap, view)
    assert pygame.image.tobytes(a, "RGB") == pygame.image.tobytes(b, "RGB")


def glyph(f: pygame.font.Font, ch: str) -> bytes:
    return pygame.image.tobytes(f.render(ch, True, (255, 255, 255), (0, 0, 0)), "RGB")


def test_korean_caption_is_not_tofu():
    caption = "로드밸런서가 web1의 장애를 알아차릴 때까지 일부 요청이 실패합니다."
    for bold in (False, True):
        f = font(26, bold)
        notdef = glyph(f, "\ue000")            # a private-use code point: the font draws .notdef
        for ch in set(caption) - {" "}:
            assert glyph(f, ch) != notdef, ch
    sc = combined()
    surf = pygame.Surface(SIZE)
    plain = pygame.Surface(SIZE)
    lay = draw_frame(surf, snapshot_of(sc), ViewState(lang="ko", caption=caption, progress=(1, 3)))
    draw_frame(plain, snapshot_of(sc), ViewState(lang="ko"))
    assert lay.caption is not None
    assert count_color(surf, lay.caption, DARK.text) > 300


def every_text() -> set[str]:
    chars: set[str] = set()
    for entry in all_strings().values():
        for text in entry.values():
            chars |= set(text)
    for _, sc in bundled():
        for beat in sc.timeline:
            if beat.caption:
                chars |= set(beat.caption.ko) | set(beat.caption.en)
        chars |= set(sc.meta.title.ko) | set(sc.meta.title.en)
        for extra in (sc.meta.summary, sc.meta.question):
            if extra is not None:
                chars |= set(extra.ko) | set(extra.en)
    chars |= set("0123456789.,%$×→·—+-/:()#")
    return chars - {" ", "\n", "\t"}


def test_every_string_has_glyphs_in_nanum_gothic():
    for bold in (False, True):
        f = font(20, bold)
        notdef = glyph(f, "\ue000")
        missing = sorted(ch for ch in every_text() if f.metrics(ch)[0] is None or glyph(f, ch) == notdef)
        assert not missing, f"characters NanumGothic cannot draw: {missing}"


@pytest.mark.parametrize("size", [(640, 360), (1280, 720), (1920, 1080), (800, 1000), (300, 200)])
@pytest.mark.parametrize("projector", [False, True])
def test_any_size_draws(size, projector):
    sc = combined()
    surf = pygame.Surface(size)
    lay = draw_frame(surf, snapshot_of(sc, n_dots=200), ViewState(projector=projector, caption="캡션 caption"))
    if size[0] >= 640 and size[1] >= 360:
        for i in range(len(lay.ids)):
            assert lay.graph.contains(lay.rect(i)), (lay.ids[i], lay.rect(i), lay.graph)


def test_nodes_added_at_run_time_get_a_place():
    sc = combined()
    snap = snapshot_of(sc)
    extra = tuple(type(snap.nodes[3])(**{**snap.nodes[3].__dict__, "id": f"web{k}"}) for k in range(3, 9))
    snap = type(snap)(**{**snap.__dict__, "nodes": snap.nodes + extra})
    surf = pygame.Surface(SIZE)
    lay = draw_frame(surf, snap, ViewState())
    rects = [lay.rect(i) for i in range(len(lay.ids))]
    for i, r in enumerate(rects):
        assert lay.graph.contains(r), lay.ids[i]
        assert r.collidelist(rects[:i] + rects[i + 1:]) == -1, lay.ids[i]


def test_a_removed_server_gives_up_its_place_in_the_column():
    from visualizer.render.layout import REMOVED, compute_layout

    nodes = (("users", "client"), ("web1", "web_server"), ("db1", "db_primary"), ("db2", "db_replica"),
             ("db3", "db_replica"))
    full = compute_layout(nodes, (1280, 720), 1.0)
    gone = compute_layout(nodes[:3] + (("db2", REMOVED),) + nodes[4:], (1280, 720), 1.0)
    assert gone.hidden(3) and not any(full.hidden(i) for i in range(5))
    assert all(gone.node_at(tuple(full.centers[3].tolist())) != 3 for _ in [0])
    assert gone.card_scale >= full.card_scale
    assert abs(gone.centers[2, 1] - gone.centers[4, 1]) > abs(full.centers[2, 1] - full.centers[4, 1]) / 2 * 0.99


def test_string_table_has_no_key_twice():
    """A repeated key in the STRINGS literal silently replaces the first; keep each key once."""
    import ast
    import collections

    tree = ast.parse((Path(__file__).resolve().parents[1] / "visualizer" / "i18n.py").read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
            assert [k for k, c in collections.Counter(keys).items() if c > 1] == []


def test_captions_name_lost_writes_as_the_panel_does():
    """A caption that says "see lost writes" must use the metrics panel's own words for it."""
    mentions = 0
    for _, sc in bundled():
        for beat in sc.timeline:
            if beat.caption is None:
                continue
            if "유실" in beat.caption.ko:
                mentions += 1
                assert STRINGS["m.lost"]["ko"] in beat.caption.ko, sc.meta.name
            if "lost writes" in beat.caption.en.lower():
                assert STRINGS["m.lost"]["en"].lower() in beat.caption.en.lower(), sc.meta.name
    assert mentions > 0


def test_falling_failures_never_land_on_the_card_below():
    """web2's failures fell onto the booting web3 card under it, so web3 looked broken."""
    import dataclasses

    from visualizer.render.nodes import _floors
    from visualizer.sim.snapshot import Outcome

    from conftest import load_balanced

    sc = load_balanced(n_web=4)                     # a crowded column: little room between cards
    base = snapshot_of(sc, t=12.0)
    lay = draw_frame(pygame.Surface(SIZE), base, ViewState())
    floors = _floors(lay)
    col = sorted((i for i, n in enumerate(base.nodes) if n.kind == "web_server"), key=lambda i: lay.rect(i).top)
    upper, lower = col[0], col[1]
    assert floors[upper] <= lay.rect(lower).top
    fails = tuple(Outcome(k, 12.0 - k * 0.01, base.nodes[upper].id, False, "queue_full", 0) for k in range(100))
    snap = dataclasses.replace(base, recent=fails)
    plain, with_fails = pygame.Surface(SIZE), pygame.Surface(SIZE)
    draw_frame(plain, base, ViewState())
    draw_frame(with_fails, snap, ViewState())
    r = lay.rect(lower)
    a = pygame.surfarray.array3d(plain.subsurface(r))
    b = pygame.surfarray.array3d(with_fails.subsurface(r))
    assert (a == b).all(), "nothing of the failures is drawn on the card below"


def test_a_former_primary_is_not_tagged_primary():
    from visualizer.i18n import t

    for lang in ("en", "ko"):
        assert t("tag.former_primary", lang) != t("tag.primary", lang)


def test_a_server_card_says_its_size_and_its_workers():
    """'small' meant 1 worker in lesson 2 and 4 in lesson 3: the card now says both."""
    from visualizer.sim import registry

    for name, kind in (("load-balancer", "web_server"), ("replication", "db_primary")):
        view = next(n for n in snapshot_of(load(name)).nodes if n.kind == kind)
        for lang in ("en", "ko"):
            line = registry.spec(kind).card(view, lang)
            assert view.tier in line and str(view.workers) in line, (name, lang, line)
