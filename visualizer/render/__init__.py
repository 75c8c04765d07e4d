"""Drawing: everything the window (and the recorder) shows, computed from a Snapshot and a ViewState."""
