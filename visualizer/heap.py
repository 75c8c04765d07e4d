"""The window's garbage collector, paced to frames: young objects collected between frames, never a full pass mid-session.

Python's collector runs when allocations pile up, wherever that happens to be: in the middle of a
snapshot, where a pass over the model's objects stalls a frame by 10 ms or more. The model makes
almost no reference cycles (reference counting frees a finished request), so in the window the
automatic collector is off and this module runs it between frames instead: the young generation
after every frame (cheap: only what the frame made and kept), the middle one every MIDDLE_EVERY
frames, and every FREEZE_EVERY frames the survivors are frozen (moved out of every later pass). A
restart releases the frozen objects and collects once (`settle`), as the old session is gone.
"""

from __future__ import annotations

import gc

MIDDLE_EVERY = 30          # frames between collections of the middle generation (half a second)
FREEZE_EVERY = 600         # frames between freezes of the survivors (ten seconds)


class FramePacedGC:
    """Owns the collector while a window runs: `start` once, `after_frame` after each flip,
    `settle` on a restart, `stop` when the window closes (the collector is as it was)."""

    def __init__(self) -> None:
        self.frames = 0
        self.was_enabled = gc.isenabled()

    def start(self) -> None:
        """After the first frame: collect everything once, freeze it, and take over."""
        self.was_enabled = gc.isenabled()
        gc.disable()
        self.settle(full=True)

    def after_frame(self) -> None:
        """Between frames: the young generation, now and then the middle one, and a freeze."""
        self.frames += 1
        gc.collect(1 if self.frames % MIDDLE_EVERY == 0 else 0)
        if self.frames % FREEZE_EVERY == 0:
            gc.freeze()

    @staticmethod
    def settle(full: bool = False) -> None:
        """Release what earlier freezes kept, collect (everything, or the young generations when
        the old session was already freed by reference counting) and freeze what is alive."""
        gc.unfreeze()
        gc.collect() if full else gc.collect(1)
        gc.freeze()

    def stop(self) -> None:
        if self.was_enabled:
            gc.enable()
