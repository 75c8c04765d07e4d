"""Runtime nodes of the built-in kinds (their specs, registered by visualizer.kinds, name them)."""
