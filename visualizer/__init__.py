"""System Design Visualizer: an animated simulator of a web service growing from one server."""
