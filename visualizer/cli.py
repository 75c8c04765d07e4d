"""The command line: parse flags, then open the window, run headless, check files or record."""

from __future__ import annotations

import argparse
import json
import locale
import os
import sys
from typing import NoReturn, Sequence

from visualizer.errors import UsageError
from visualizer.safe_write import open_output
from visualizer.scenario import ScenarioError, bundled, load
from visualizer.schema import Scenario

EXIT_OK, EXIT_BAD_INPUT = 0, 2
DEFAULT_SCENARIO = "single-server"


class Parser(argparse.ArgumentParser):
    """argparse, but a bad flag is one line on stderr and exit 2 (no usage dump)."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _positive(kind: type, name: str, low: float, high: float):
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            noun = "whole number" if kind is int else "number"
            raise argparse.ArgumentTypeError(f"{name} must be a {noun}, got '{text}'") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{name} must be between {low:g} and {high:g}, got {text}")
        return value
    return parse


def parse_size(text: str) -> tuple[int, int]:
    """'1280x720' -> (1280, 720); both sides 16..7680 and even (video encoders need even sizes)."""
    parts = text.lower().split("x")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        raise argparse.ArgumentTypeError(f"size must look like 1280x720, got '{text}'")
    w, h = int(parts[0]), int(parts[1])
    if not (16 <= w <= 7680 and 16 <= h <= 4320) or w % 2 or h % 2:
        raise argparse.ArgumentTypeError(f"size must be even numbers within 16x16..7680x4320, got '{text}'")
    return w, h


def build_parser() -> Parser:
    p = Parser(prog="main.py", description="System Design Visualizer: watch a web service scale "
               "from one server to a load-balanced tier with replicated databases.")
    p.add_argument("--scenario", metavar="NAME|FILE", help="bundled scenario name or a .toml file")
    p.add_argument("--lesson", type=_positive(int, "--lesson", 1, 99), metavar="N",
                   help="open lesson N directly")
    p.add_argument("--list-scenarios", action="store_true", help="list bundled scenarios and exit")
    p.add_argument("--check-scenario", metavar="FILE", help="validate a scenario file and exit")
    p.add_argument("--check-lesson", metavar="NAME|FILE",
                   help="play a lesson automatically, then pressing Next only, and print whether each "
                        "beat's claims held (exit 1 if any failed)")
    p.add_argument("--compare", nargs=2, metavar=("A", "B"),
                   help="two designs (bundled names or .toml files) side by side on the same arrivals; "
                        "with --headless, one JSON object {a, b, diff}")
    p.add_argument("--headless", action="store_true", help="run without a window, write a JSON report")
    p.add_argument("--duration", type=_positive(float, "--duration", 0.001, 86_400), metavar="S",
                   help="simulated seconds for --headless; seconds of video for --record (default: the scenario's)")
    p.add_argument("--seed", type=_positive(int, "--seed", 0, 2**32 - 1), metavar="N")
    p.add_argument("--rate", type=_positive(float, "--rate", 0, 100_000), metavar="R",
                   help="requests per second (overrides the scenario)")
    p.add_argument("--report", metavar="FILE|-", help="where --headless writes its JSON (default -)")
    p.add_argument("--lang", choices=("ko", "en"), help="caption language (default: from the locale)")
    p.add_argument("--fullscreen", action="store_true", help="projector mode: fullscreen, large text")
    p.add_argument("--reduce-motion", action="store_true",
                   help="no falling, pulsing or glowing animations (Ctrl+M in the window toggles it)")
    p.add_argument("--size", type=parse_size, metavar="WxH", help="window or video size")
    p.add_argument("--record", metavar="OUT", help="render off screen to OUT.mp4 or OUT.gif")
    p.add_argument("--fps", type=_positive(int, "--fps", 1, 120), default=30)
    p.add_argument("--speed", type=_positive(float, "--speed", 0.01, 100), metavar="X",
                   help="simulated seconds per real second")
    p.add_argument("--clean", action="store_true",
                   help="--record without the window's chrome (toolbar, sliders, key hints, PAUSED)")
    p.add_argument("--force", action="store_true",
                   help="let --record overwrite OUT, or --report replace a file that is not a report")
    return p


def default_lang() -> str:
    """Korean when the system locale is Korean, else English."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "ko" if value.lower().startswith("ko") else "en"
    code = (locale.getlocale()[0] or "").lower()
    return "ko" if code.startswith("ko") else "en"


def pick_scenario(args: argparse.Namespace) -> Scenario:
    if args.lesson is not None:
        lessons = {s.meta.lesson: s for _, s in bundled() if s.meta.lesson is not None}
        if args.lesson not in lessons:
            raise UsageError(f"--lesson: no lesson {args.lesson} (there are {', '.join(map(str, sorted(lessons)))})")
        return lessons[args.lesson]
    return load(args.scenario or DEFAULT_SCENARIO)


def pick_compare(args: argparse.Namespace) -> Scenario:
    """--compare A B: A's design (its beats are not played) with B set aside as args.compare_with."""
    from visualizer.compare import check_pair, silent_copy

    if args.lesson is not None or args.scenario:
        raise UsageError("--compare: it names both designs itself; leave out --scenario and --lesson")
    a, b = (load(name) for name in args.compare)
    check_pair(a, b)
    args.compare_with = b
    return silent_copy(a)


def list_scenarios() -> int:
    for name, sc in bundled():
        print(f"{name}\t{sc.meta.title.en}")
    return EXIT_OK


def check_scenario(path: str) -> int:
    sc = load(path)
    kinds: dict[str, int] = {}
    for n in sc.nodes:
        kinds[n.kind] = kinds.get(n.kind, 0) + 1
    parts = ", ".join(f"{v} {k}" for k, v in kinds.items())
    print(f"{path}: ok: '{sc.meta.name}', {len(sc.nodes)} nodes ({parts}), {len(sc.links)} links, "
          f"{len(sc.timeline)} timeline entries, {sc.meta.duration:g} s")
    return EXIT_OK


def check_lesson(name: str, seed: int | None) -> int:
    """Print every claim of every beat, played automatically and as a presenter; 1 if any failed."""
    from visualizer.claims import check_lesson as play_and_check

    sc = load(name)
    if not sc.timeline:
        raise UsageError(f"--check-lesson {name}: it has no timeline, so no beats to check")
    failed = total = 0
    for mode in ("auto", "present"):
        print(f"{sc.meta.name}, played {'automatically' if mode == 'auto' else 'with Next only'}:")
        for claim in play_and_check(sc, mode, seed):
            print("  " + claim.line())
            total += 1
            failed += not claim.ok
    print(f"{total - failed} passed, {failed} failed")
    return EXIT_OK if not failed else 1


def run_headless(args: argparse.Namespace, sc: Scenario) -> int:
    """Run without a window and write the JSON report to --report (default stdout).

    The target is checked and opened before the run, so a bad one costs no waiting; see
    visualizer/safe_write.py for what is replaced, written into, or refused.
    """
    from visualizer.sim.model import Simulation

    target = args.report or "-"
    out = None
    if target != "-":
        out = open_output(target, flag="--report", force=args.force, is_ours=_is_report)
    try:
        if getattr(args, "compare_with", None) is not None:
            from visualizer.compare import run_pair

            report = run_pair(sc, args.compare_with, args.seed, args.rate, args.duration)
        else:
            sim = Simulation(sc, seed=args.seed, rate=args.rate, plans=False)   # a report needs no dots
            sim.run_until(args.duration or sc.meta.duration)
            report = sim.report()
        text = json.dumps(report, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    except BaseException:
        if out is not None:
            out.discard()
        raise
    if out is None:
        sys.stdout.write(text)
    else:
        out.write(text)
    return EXIT_OK


def _is_report(data: bytes) -> bool:
    """A file an earlier --headless run wrote (safe to replace), as opposed to anything else."""
    try:
        report = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return False
    return isinstance(report, dict) and ({"requests", "events", "series"} <= set(report)
                                         or set(report) == {"a", "b", "diff"})     # a --compare report


def run(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(argv)
    if args.list_scenarios:
        return list_scenarios()
    if args.check_scenario:
        return check_scenario(args.check_scenario)
    if args.check_lesson:
        return check_lesson(args.check_lesson, args.seed)
    if args.lesson is not None and args.scenario:
        raise UsageError("--lesson and --scenario: pick one")
    if args.headless and args.record:
        raise UsageError("--headless and --record: pick one")
    if args.clean and not args.record:
        raise UsageError("--clean: only with --record (it shapes the video's frames)")
    sc = pick_compare(args) if args.compare else pick_scenario(args)
    lang = args.lang or default_lang()
    if args.headless:
        return run_headless(args, sc)
    if args.record:
        from visualizer.record import record_cli

        return record_cli(args, sc, lang)
    return open_window(args, sc, lang)


def open_window(args: argparse.Namespace, sc: Scenario, lang: str) -> int:
    """The window, always as a lesson player (time travel, captions if the file has them)."""
    from visualizer.ui.lesson_controls import install_lesson
    from visualizer.window import run_window

    choices = [s for _, s in bundled() if not s.meta.variant]   # the lessons in order, then the others
    if all(s.meta.name != sc.meta.name for s in choices):
        choices.append(sc)
    open_menu = args.lesson is None and args.scenario is None and not args.compare

    def setup(app) -> None:
        from visualizer.record_window import install as install_recording

        install_lesson(app, choices, open_menu=open_menu, seed=args.seed, rate=args.rate, speed=args.speed)
        install_recording(app)

    return run_window(sc, seed=args.seed, rate=args.rate, lang=lang, fullscreen=args.fullscreen,
                      size=args.size, speed=args.speed, setup=setup, reduce_motion=args.reduce_motion,
                      compare_with=getattr(args, "compare_with", None))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: returns the exit status; bad input is one line on stderr and status 2."""
    try:
        return run(sys.argv[1:] if argv is None else argv)
    except (ScenarioError, UsageError) as err:
        print(f"main.py: error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("main.py: interrupted", file=sys.stderr)
        return 130
