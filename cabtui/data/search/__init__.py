"""Search everything a sweep holds, recordings' screens included, from an index in the user's cache.

screen_lines   a recording played once: every distinct line its screen showed, with
               the time each character appeared (words drawn with cursor moves too)
sources        a cell's other text: record fields, stdout/stderr tails, spans, calls
store          the SQLite index (FTS5 trigram), keyed by file identity
cache          where it lives: $XDG_CACHE_HOME/cabtui, mode 0700, never a results folder
hits, index    `Pattern` and `Hit`; `SearchIndex`: bring up to date, search, progressively
"""

from cabtui.data.search.cache import CacheRefused, cache_folder
from cabtui.data.search.hits import BadPattern, Hit, Pattern
from cabtui.data.search.index import Found, Scope, SearchIndex, order_hits, search_progressively
from cabtui.data.search.screen_lines import MAX_LINES, ScreenLine, ScreenText, screen_lines
from cabtui.data.search.sources import WHERE
from cabtui.data.search.store import fts5_available

__all__ = [
    "MAX_LINES",
    "WHERE",
    "BadPattern",
    "CacheRefused",
    "Found",
    "Hit",
    "Pattern",
    "Scope",
    "ScreenLine",
    "ScreenText",
    "SearchIndex",
    "cache_folder",
    "fts5_available",
    "order_hits",
    "screen_lines",
    "search_progressively",
]
