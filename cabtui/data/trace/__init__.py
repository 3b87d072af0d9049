"""A cell's trace: its spans as a tree, and the one timeline every replay pane reads.

`SpanTree` orders spans parent before child (duplicates, missing parents and cycles
reported, never followed); `Timeline` puts spans, model calls and the recording's
offset on one clock in milliseconds, with the bisects the replay steps by;
`PairTimeline` puts two cells' timelines on one relative clock and matches their spans
kind by kind (the n-th model call of one meets the n-th of the other).
"""

from cabtui.data.trace.pair import PairCursor, PairStep, PairTimeline, Side, span_kind
from cabtui.data.trace.span_tree import SpanNode, SpanTree
from cabtui.data.trace.timeline import Timeline

__all__ = ["PairCursor", "PairStep", "PairTimeline", "Side", "SpanNode", "SpanTree", "Timeline", "span_kind"]
