"""The sessions and sites theory cards on the two-sites test data: the rows true at each moment."""

from pathlib import Path

import pytest

from visualizer.lesson import LessonPlayer
from visualizer.scenario import load
from visualizer.ui.site_cards import sessions_lines, sites_lines

SCENARIO = str(Path(__file__).parent / "data" / "two-sites.toml")


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_cards_say_only_what_is_true_now(lang):
    player = LessonPlayer(load(SCENARIO), auto=True)
    player.step(10.0)
    snap = player.snapshot()
    rows = [r for r, _ in sessions_lines(player.scenario, snap, lang)]
    assert len(rows) == 2 and "1/4" not in " ".join(rows)         # nobody down: no loss row
    site_rows = [r for r, _ in sites_lines(player.scenario, snap, lang)]
    assert "12 s" in site_rows[1] and not any("1 - t/TTL" in r for r in site_rows)
    player.step(10.0)
    rows = [r for r, _ in sessions_lines(player.scenario, player.snapshot(), lang)]
    assert any("webA1" in r and "1/4" in r for r in rows)
    player.step(20.0)
    site_rows = [r for r, _ in sites_lines(player.scenario, player.snapshot(), lang)]
    assert any("1 - t/TTL" in r for r in site_rows)
    assert all("{" not in r and "−" not in r for r in rows + site_rows)


def test_sessions_card_puts_the_measured_loss_beside_one_over_n() -> None:
    """Failing one of three sticky servers: the card shows 1/N and the share its crash really lost."""
    from visualizer.scenario import load
    from visualizer.sim.model import Simulation
    from visualizer.ui.site_cards import sessions_lines

    sc = load("stateless")
    sim = Simulation(sc)
    sim.run_until(8.5)                     # the lesson's own timeline fails web2 at 8 s
    snap = sim.snapshot()
    (node_id, _t, lost, live), = snap.session_losses
    assert node_id == "web2" and 0.2 < lost / live < 0.45
    rows = "\n".join(r for r, _ in sessions_lines(sc, snap, "en"))
    assert "1/N = 1/3 = 33%" in rows and f"measured {lost}/{live} = {100 * lost / live:.0f}%" in rows


def test_sites_card_measures_the_users_still_holding_the_dead_sites_address() -> None:
    """Half a TTL after the DNS dropped Seoul, about half of those who held its address then still
    do (1 - t/TTL), and the card shows both."""
    from visualizer.scenario import load
    from visualizer.sim.model import Simulation
    from visualizer.ui.site_cards import sites_lines

    sc = load("data-centres")
    sim = Simulation(sc)
    sim.run_until(12.5)                      # the lesson fails Seoul at 12 s
    dropped = next(e.t for e in sim.events if e.event == "dns_failover")
    sim.run_until(dropped + 5.0)             # half the 10 s TTL
    view = next(s for s in sim.snapshot().sites if s.id == "seoul")
    assert view.told_at_failover > 100
    assert 0.35 < view.still_told / view.told_at_failover < 0.65
    rows = "\n".join(r for r, _ in sites_lines(sc, sim.snapshot(), "en"))
    assert f"{view.still_told} of the {view.told_at_failover} users" in rows
