"""Drawing: everything the window (and the recorder) shows, computed from a Snapshot and a ViewState."""

import os

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
