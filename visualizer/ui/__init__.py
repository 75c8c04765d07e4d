"""Interactive widgets (ui.base.Widget): handle_event(event) -> consumed, update(dt), draw(surface)."""
