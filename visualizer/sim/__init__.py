"""The simulation core: plain Python + networkx + numpy, no pygame, advanced by step(dt)."""
