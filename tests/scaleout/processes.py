"""Which process holds a TCP connection: lets a test kill exactly the worker or mail sender
that is serving a given client (read from ``/proc``, Linux only, like ``LiveServer``)."""

from __future__ import annotations

import os
from pathlib import Path


def _inodes(local_port: int, remote_port: int | None) -> set[str]:
    """Socket inodes of loopback TCP connections with these ports (IPv4 and IPv6 tables)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            local, remote, inode = fields[1], fields[2], fields[9]
            if int(local.rsplit(":", 1)[1], 16) != local_port:
                continue
            if remote_port is None or int(remote.rsplit(":", 1)[1], 16) == remote_port:
                found.add(inode)
    return found


def connection_owner(local_port: int, remote_port: int | None, pids: list[int]) -> int | None:
    """The process among ``pids`` holding the connection from ``local_port`` to
    ``remote_port`` (as that process sees it)."""
    wanted = {f"socket:[{inode}]" for inode in _inodes(local_port, remote_port)}
    for pid in pids:
        try:
            links = {os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()}
        except OSError:
            continue
        if links & wanted:
            return pid
    return None
