"""Sessions: local ones lost with their server, sticky balancing, a shared store and its price."""

from __future__ import annotations

import hashlib
import json

from visualizer.scenario import bundled
from visualizer.sim.model import Simulation


# Reports of every bundled scenario over its whole duration, as the code before sessions writes
# them (commit 70a6716): sessions, off, must change nothing, byte for byte. A change meant to alter
# these runs prints the new digests with `python -c "from tests.test_sessions import digests;
# print(digests())"` and puts them here.
BEFORE_SESSIONS = {
    "cache": "74a145b3871e6df7674178a250752a75bca6d8f2f3f01723bf8596151a96110a",
    "cdn": "1f05e141cd9280348a1f4a410a360bf43d28eb9849b0d9343493200f0209e8a9",
    "chaos": "67f9a93a0aaaf0a779f067b9d391734e233d3f3d82f3d9ce0bcf371e41ca75e7",
    "combined": "8d5584b0cad1a32edc931a5e7c861de8eff6880a6a19b73eebcb20c47620fa29",
    "load-balancer": "94d178063c7be9bbfac65d1fa73ffbd41d5683463657df99f2be65d10c5167b6",
    "replication": "4bf636924730b6ccc346953e4f62c288289a05a5571d1e216f9bafb26c4576c3",
    "sandbox": "aa90e09d3c80f92b6a25e11bb568cb8a7c5da68d81676f22e5a07ca1fbf1f283",
    "single-server": "56636517531f980be1cd2cf118129b7944059a9f3a6b0239e916a7baba1983be",
    "vertical-scaling": "2b9ec7f125f3b43b4ecdf246195549cb75fdaee5e54b55b5311d0c34c63d38ca",
}


def digests() -> dict[str, str]:
    out = {}
    for name, sc in bundled():
        sim = Simulation(sc, plans=False)
        sim.run_until(sc.meta.duration)
        out[name] = hashlib.sha256(json.dumps(sim.report(), sort_keys=True).encode()).hexdigest()
    return out


def test_without_sessions_every_bundled_report_is_byte_identical_to_before() -> None:
    assert digests() == BEFORE_SESSIONS
