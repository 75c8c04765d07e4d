"""The object store: a plain server of files (think S3), a CDN edge's origin; it answers by itself."""

from __future__ import annotations

from typing import Any

from visualizer.sim.servers import Server


class ObjectStore(Server):
    """Serves every request it gets from its own disks: no calls downstream."""

    def __init__(self, node_id: str, idx: int, cfg: Any) -> None:
        super().__init__(node_id, "object_store", idx, cfg)
