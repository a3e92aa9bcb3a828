"""What the machine did during a benchmark: CPU seconds of given processes (the bench's
children, the database server) and of the whole machine, from ``/proc`` (Linux only)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU of one process so far (0.0 when it is gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()  # after "pid (comm)": state is fields[0]
    return (int(fields[11]) + int(fields[12])) / TICK


def pids_named(name: str) -> list[int]:
    """Processes whose command name is ``name`` (``postgres``: the server, every user's)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == name:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def machine_busy_seconds() -> float:
    """CPU seconds all cores spent on anything but idle and I/O wait, since boot."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / TICK


@dataclass
class Snapshot:
    """CPU seconds at one moment: ``pids`` each, the machine, the ``postgres`` processes."""

    pids: dict[int, float]
    machine: float
    postgres: float
    load: float

    @classmethod
    def take(cls, pids: list[int]) -> Snapshot:
        return cls(
            {pid: cpu_seconds(pid) for pid in pids},
            machine_busy_seconds(),
            sum(cpu_seconds(pid) for pid in pids_named("postgres")),
            os.getloadavg()[0],
        )

    def since(self, earlier: Snapshot) -> tuple[float, float, float]:
        """CPU seconds of the pids, of the machine and of the ``postgres`` processes."""
        children = sum(self.pids[pid] - earlier.pids.get(pid, 0.0) for pid in self.pids)
        return children, self.machine - earlier.machine, self.postgres - earlier.postgres
