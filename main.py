"""System Design Visualizer: the one entry point (window, lessons, headless runs, recording)."""

import sys

from visualizer.cli import main

if __name__ == "__main__":
    sys.exit(main())
