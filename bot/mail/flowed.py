"""RFC 3676 format=flowed: join soft-broken lines back into paragraphs."""

from __future__ import annotations


def unflow(text: str, *, delsp: bool = False) -> str:
    """Rejoin lines that end in a space (soft breaks), keeping quote depth and signatures."""
    out: list[str] = []
    pending: str | None = None
    pending_depth = -1
    for line in text.split("\n"):
        depth = len(line) - len(line.lstrip(">"))
        content = line[depth:]
        if content.startswith(" "):
            content = content[1:]  # space-stuffing
        if pending is not None and depth == pending_depth:
            content = pending + content
        elif pending is not None:
            out.append(_quoted(pending, pending_depth))
        pending = None
        soft = content.endswith(" ") and content != "-- "
        if soft:
            pending, pending_depth = (content[:-1] if delsp else content), depth
        else:
            out.append(_quoted(content, depth))
    if pending is not None:
        out.append(_quoted(pending, pending_depth))
    return "\n".join(out)


def _quoted(content: str, depth: int) -> str:
    return (">" * depth + " " + content) if depth else content
