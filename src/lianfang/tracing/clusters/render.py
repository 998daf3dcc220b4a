"""The chain of transmission of a cluster as a server-rendered SVG (no script, nothing from the
internet): cases are nodes laid out by generation (a case with no known source in the cluster is
generation 0), an arrow runs from each source case to the cases it infected."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

NODE_W, NODE_H, GAP_X, GAP_Y, PAD = 150, 44, 30, 60, 20
COLOURS = {"confirmed": "#c0392b", "asymptomatic": "#e67e22"}


@dataclass(frozen=True)
class Node:
    case_id: int
    label: str
    sublabel: str
    classification: str
    source_id: int | None
    href: str


def generations(nodes: list[Node]) -> dict[int, int]:
    """Generation of each case: 0 without a source inside the cluster, else its source's + 1 (cycles cut)."""
    ids = {n.case_id for n in nodes}
    parent = {n.case_id: n.source_id if n.source_id in ids else None for n in nodes}
    out: dict[int, int] = {}
    for n in nodes:
        seen: set[int] = set()
        depth, cur = 0, parent[n.case_id]
        while cur is not None and cur not in seen:
            seen.add(cur)
            depth += 1
            cur = parent[cur]
        out[n.case_id] = depth
    return out


def render_svg(nodes: list[Node], title: str) -> str:
    gen = generations(nodes)
    rows: dict[int, list[Node]] = {}
    for n in sorted(nodes, key=lambda n: (gen[n.case_id], n.source_id or 0, n.case_id)):
        rows.setdefault(gen[n.case_id], []).append(n)
    widest = max((len(r) for r in rows.values()), default=1)
    width = PAD * 2 + widest * NODE_W + (widest - 1) * GAP_X
    height = PAD * 2 + 20 + max(len(rows), 1) * (NODE_H + GAP_Y)
    pos: dict[int, tuple[int, int]] = {}
    for g, row in rows.items():
        offset = (width - (len(row) * NODE_W + (len(row) - 1) * GAP_X)) // 2
        for i, n in enumerate(row):
            pos[n.case_id] = (offset + i * (NODE_W + GAP_X), PAD + 20 + g * (NODE_H + GAP_Y))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">',
        '<defs><marker id="arrow" markerWidth="10" markerHeight="8" refX="9" refY="4" orient="auto">'
        '<path d="M0,0 L10,4 L0,8 z" fill="#555"/></marker></defs>',
        f'<text x="{PAD}" y="{PAD + 4}" font-size="14" font-weight="bold">{escape(title)}</text>',
    ]
    for n in nodes:
        if n.source_id in pos:
            x1, y1 = pos[n.source_id]
            x2, y2 = pos[n.case_id]
            parts.append(
                f'<line x1="{x1 + NODE_W // 2}" y1="{y1 + NODE_H}" x2="{x2 + NODE_W // 2}" y2="{y2 - 2}" '
                'stroke="#555" marker-end="url(#arrow)"/>'
            )
    for n in nodes:
        x, y = pos[n.case_id]
        colour = COLOURS.get(n.classification, "#7f8c8d")
        parts.append(
            f'<a href="{escape(n.href)}"><rect x="{x}" y="{y}" width="{NODE_W}" height="{NODE_H}" rx="6" '
            f'fill="#fff" stroke="{colour}" stroke-width="2"/>'
            f'<text x="{x + 8}" y="{y + 18}" font-size="13">{escape(n.label)}</text>'
            f'<text x="{x + 8}" y="{y + 36}" font-size="11" fill="#555">'
            f"{escape(n.sublabel)}</text></a>"
        )
    parts.append("</svg>")
    return "".join(parts)
