"""System Design Visualizer: the one entry point (window, lessons, headless runs, recording)."""

import os
import sys

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from visualizer.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
