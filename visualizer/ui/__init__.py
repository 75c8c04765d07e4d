"""Interactive widgets: each has process_events(event) -> consumed, update(dt) and draw(surface)."""
