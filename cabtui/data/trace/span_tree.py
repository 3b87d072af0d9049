"""The span tree of a cell's trace: parents, children and display order, whatever the input.

Spans arrive in any order from runners we do not control; parents may be missing
or form cycles and span ids may repeat. Each case has one documented outcome (the
span shows at the top level, or the first of an id is kept), reported in
`SpanTree.problems`, and never an exception or an endless loop.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the records are only types here: results imports trace, not the reverse
    from cabtui.data.results.models import Span


def _span_key(span: Span) -> tuple[float, str, str]:
    """Sibling order: by start, then name, then id, so any input order gives one tree."""
    return (span.start_ms, span.name, span.span_id)


@dataclass(frozen=True, slots=True)
class SpanNode:
    """One span in the tree, with its children already in display order."""

    span: Span
    depth: int
    """0 for a top-level node (a root, an orphan or a former cycle member)."""
    children: tuple[SpanNode, ...] = ()
    orphan: bool = False
    """Its `parent_id` named a span that is not in the trace; shown at the top level."""
    in_cycle: bool = False
    """It was part of a parent cycle; shown at the top level to break the cycle."""


@dataclass(frozen=True, eq=False)
class SpanTree:
    """The spans of one trace as a forest, plus what was wrong with the links.

    Build it with `SpanTree.build`. Top-level nodes are the roots (no `parent_id`,
    or an empty one), orphans and members of parent cycles, all sorted like
    siblings. Every unique span id appears exactly once.
    """

    roots: tuple[SpanNode, ...]
    duplicates: tuple[Span, ...]
    """Spans dropped because an earlier span had the same id (the first one is kept)."""
    orphan_ids: tuple[str, ...]
    """Ids of spans whose parent is missing, in display order."""
    cycle_ids: tuple[str, ...]
    """Ids of spans that were in a parent cycle, in display order."""
    _nodes: tuple[SpanNode, ...] = field(repr=False)
    _rows: tuple[tuple[Span, int], ...] = field(repr=False)
    _index: dict[str, int] = field(repr=False)

    @classmethod
    def build(cls, spans: Iterable[Span]) -> SpanTree:
        """Build the tree from spans in any order; never raises on bad links."""
        kept: dict[str, Span] = {}
        duplicates: list[Span] = []
        for span in spans:
            if span.span_id in kept:
                duplicates.append(span)
            else:
                kept[span.span_id] = span

        parent_of: dict[str, str | None] = {}
        orphans: set[str] = set()
        for span_id, span in kept.items():
            parent = span.parent_id or None  # an empty parent_id is a sloppy root, not an orphan
            if parent is not None and parent not in kept:
                orphans.add(span_id)
                parent = None
            parent_of[span_id] = parent

        cycles = _cycle_members(parent_of)
        for span_id in cycles:
            parent_of[span_id] = None

        children: dict[str, list[Span]] = {span_id: [] for span_id in kept}
        top: list[Span] = []
        for span_id, span in kept.items():
            parent = parent_of[span_id]
            (top if parent is None else children[parent]).append(span)
        for siblings in children.values():
            siblings.sort(key=_span_key)
        top.sort(key=_span_key)

        # Pre-order with an explicit stack: a deep chain must not hit the recursion limit.
        order: list[tuple[Span, int]] = []
        stack: list[tuple[Span, int]] = [(span, 0) for span in reversed(top)]
        while stack:
            span, depth = stack.pop()
            order.append((span, depth))
            stack.extend((child, depth + 1) for child in reversed(children[span.span_id]))

        # Frozen nodes are built bottom-up: in reverse pre-order every descendant comes first.
        built: dict[str, SpanNode] = {}
        for span, depth in reversed(order):
            built[span.span_id] = SpanNode(
                span=span,
                depth=depth,
                children=tuple(built[child.span_id] for child in children[span.span_id]),
                orphan=span.span_id in orphans,
                in_cycle=span.span_id in cycles,
            )
        nodes = tuple(built[span.span_id] for span, _ in order)
        return cls(
            roots=tuple(built[span.span_id] for span in top),
            duplicates=tuple(duplicates),
            orphan_ids=tuple(n.span.span_id for n in nodes if n.orphan),
            cycle_ids=tuple(n.span.span_id for n in nodes if n.in_cycle),
            _nodes=nodes,
            _rows=tuple((node.span, node.depth) for node in nodes),
            _index={node.span.span_id: row for row, node in enumerate(nodes)},
        )

    def __len__(self) -> int:
        return len(self._nodes)

    def rows(self) -> tuple[tuple[Span, int], ...]:
        """The tree in display order (pre-order) as `(span, depth)` pairs; built once."""
        return self._rows

    def nodes(self) -> tuple[SpanNode, ...]:
        """The nodes in display order; row `i` of `rows()` is node `i`."""
        return self._nodes

    def row_index(self, span_id: str) -> int | None:
        """The display row of a span, or None when the tree has no such id."""
        return self._index.get(span_id)

    def get(self, span_id: str) -> SpanNode | None:
        """The node of a span id (the first span with that id), or None."""
        row = self._index.get(span_id)
        return None if row is None else self._nodes[row]

    @property
    def problems(self) -> tuple[str, ...]:
        """One readable line per oddity, for the caller to report against the trace file."""
        out = [f"span {span.span_id!r}: duplicate id; kept the first" for span in self.duplicates]
        for span_id in self.orphan_ids:
            parent = self._nodes[self._index[span_id]].span.parent_id
            out.append(f"span {span_id!r}: parent {parent!r} not in the trace; shown at the top level")
        out.extend(f"span {sid!r}: in a parent cycle; shown at the top level" for sid in self.cycle_ids)
        return tuple(out)


def _cycle_members(parent_of: dict[str, str | None]) -> set[str]:
    """Ids on a parent cycle (each id has at most one parent, so one walk per id suffices)."""
    done: set[str] = set()
    members: set[str] = set()
    for start in parent_of:
        path: list[str] = []
        on_path: dict[str, int] = {}
        current: str | None = start
        while current is not None and current not in done and current not in on_path:
            on_path[current] = len(path)
            path.append(current)
            current = parent_of[current]
        if current is not None and current in on_path:
            members.update(path[on_path[current] :])
        done.update(path)
    return members
