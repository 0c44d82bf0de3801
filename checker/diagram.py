"""The system as the graph sees it, drawn as inline SVG: the internet on the left, what fronts
the data in the middle, the data stores on the right, exposure paths highlighted.

Large systems stay readable: each column shows at most MAX_PER_COLUMN nodes (exposed and
personal-data ones first) and folds the rest into one "+N more" node; stores that are neither
personal nor exposed are folded into a single node. Every label is escaped: resource names
come from the scanned files.
"""
from __future__ import annotations

from dataclasses import dataclass
from html import escape

from .values import is_unknown

MAX_PER_COLUMN = 16
COLUMN_OF_KIND = {"security_group": 1, "network_acl": 1, "api_endpoint": 1, "load_balancer": 1,
                  "load_balancer_listener": 2, "cdn": 1, "web_app": 1, "integration": 2,
                  "function": 3, "compute_instance": 3, "container_cluster": 3}
COLUMNS = ("Internet", "Entry points", "Routing", "Compute", "Data stores")
NODE_W, NODE_H, GAP_Y, COL_W, TOP = 210, 40, 16, 250, 56


@dataclass
class Node:
    key: str
    label: str
    title: str
    column: int
    css: str


def render_svg(review) -> str:
    nodes, edges = _collect(review)
    columns: list[list[Node]] = [[] for _ in COLUMNS]
    for node in nodes.values():
        columns[node.column].append(node)
    for index, column in enumerate(columns):
        columns[index] = _fold(column, index)
    position = {}
    for index, column in enumerate(columns):
        for row, node in enumerate(column):
            position[node.key] = (20 + index * COL_W, TOP + row * (NODE_H + GAP_Y))
    height = TOP + max((len(c) for c in columns), default=1) * (NODE_H + GAP_Y) + 20
    width = 20 + len(COLUMNS) * COL_W
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="diagram" role="img" '
           f'aria-label="Data stores and the paths that reach them" viewBox="0 0 {width} {height}" '
           f'width="{width}" height="{height}">',
           '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
           'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker>'
           '<marker id="arrow-red" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
           'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#c62828"/></marker></defs>']
    for index, name in enumerate(COLUMNS):
        out.append(f'<text class="col" x="{20 + index * COL_W}" y="28">{escape(name)}</text>')
    for (source, target), style in sorted(edges.items()):
        if source in position and target in position:
            out.append(_edge(position[source], position[target], style))
    for column in columns:
        for node in column:
            x, y = position[node.key]
            out.append(f'<g class="node {node.css}" data-address="{escape(node.key)}">'
                       f'<title>{escape(node.title)}</title>'
                       f'<rect x="{x}" y="{y}" width="{NODE_W}" height="{NODE_H}" rx="6"/>'
                       f'<text x="{x + 10}" y="{y + 25}">{escape(node.label)}</text></g>')
    out.append("</svg>")
    return "\n".join(out)


def _collect(review):
    graph = review.graph
    nodes: dict[str, Node] = {"internet": Node("internet", "Internet", "anyone on the internet", 0, "internet")}
    edges: dict[tuple[str, str], str] = {}
    for section in review.stores:
        row, exposure = section.row, section.exposure
        exposed = exposure is not None and (exposure.reachable is True or is_unknown(exposure.reachable))
        if row.personal_data != "yes" and not exposed:
            continue
        css = "store personal" if row.personal_data == "yes" else "store"
        if exposed:
            css += " exposed" if exposure.reachable is True else " maybe"
        nodes[row.address] = Node(row.address, _short(row.address), _store_title(row, exposure), 4, css)
        if not exposed:
            continue
        style = ("danger" if exposure.reachable is True and exposure.authenticated is False else
                 "reach" if exposure.reachable is True else "maybe")
        for source, target in zip(exposure.nodes, exposure.nodes[1:]):
            for key in (source, target):
                if key not in nodes:
                    resource = graph.get(key) if graph is not None else None
                    kind = resource.kind if resource is not None else ""
                    nodes[key] = Node(key, _short(key), f"{key} ({kind})" if kind else key,
                                      COLUMN_OF_KIND.get(kind, 3), "front")
            if _worse(style, edges.get((source, target))):
                edges[(source, target)] = style
    others = [s for s in review.stores if s.row.address not in nodes]
    if others:
        nodes["(other stores)"] = Node("(other stores)", f"{len(others)} other data store(s)",
                                       "not personal data and not exposed: "
                                       + ", ".join(s.row.address for s in others[:20])
                                       + (" ..." if len(others) > 20 else ""), 4, "store folded")
    return nodes, edges


def _fold(column: list[Node], index: int) -> list[Node]:
    order = {"exposed": 0, "maybe": 1, "personal": 2}
    summary = [n for n in column if "folded" in n.css]     # already a summary node: always shown
    column = [n for n in column if "folded" not in n.css]
    column.sort(key=lambda n: (min((order[c] for c in n.css.split() if c in order), default=3), n.key))
    room = MAX_PER_COLUMN - len(summary)
    if len(column) > room:
        kept, folded = column[:room - 1], column[room - 1:]
        titles = ", ".join(n.key for n in folded[:30]) + (" ..." if len(folded) > 30 else "")
        column = kept + [Node(f"(more {index})", f"+{len(folded)} more", titles, index, "folded")]
    return column + summary


def _worse(style: str, current) -> bool:
    rank = {"danger": 0, "reach": 1, "maybe": 2, None: 3}
    return rank[style] < rank[current]


def _edge(a, b, style: str) -> str:
    (x1, y1), (x2, y2) = a, b
    sx, sy = x1 + NODE_W, y1 + NODE_H / 2
    tx, ty = x2, y2 + NODE_H / 2
    mid = (sx + tx) / 2
    marker = "arrow-red" if style == "danger" else "arrow"
    return (f'<path class="edge {style}" d="M{sx},{sy} C{mid},{sy} {mid},{ty} {tx},{ty}" '
            f'marker-end="url(#{marker})"/>')


def _short(address: str, limit: int = 30) -> str:
    """`type.name` for root resources, `module["key"].name` inside modules; the full address is
    in the node's tooltip."""
    resource = address.rsplit(".", 2)
    name = ".".join(resource[-2:]) if len(resource) >= 2 else address
    if address.startswith("module."):
        module = address[len("module."):].split(".", 1)[0]
        name = f"{module}.{resource[-1]}"
    if len(name) > limit and "." in name:
        name = name.rsplit(".", 1)[-1]
    return name if len(name) <= limit else name[:limit - 1] + "…"


def _store_title(row, exposure) -> str:
    lines = [row.address, f"personal data: {row.personal_data} ({row.classification_reason})"]
    if exposure is not None and exposure.summary:
        lines.append(f"exposure: {exposure.summary}")
    return "\n".join(lines)
