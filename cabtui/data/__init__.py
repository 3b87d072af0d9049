"""cabtui's pure core: it imports neither textual nor rich nor the UI package (an import contract checks it).

results   the results format read into an index: records, loader, queries, filter, artifacts, compare
stats     the statistics of a comparison: Wilson interval, exact McNemar test
trace     a cell's spans as a tree and its timeline
term      the asciicast reader and terminal emulator: recordings as frames
clock     the playback clock every player and replay runs on
numbers   how numbers, durations and times read, everywhere
text      untrusted text made visible (control characters) and cut to one line
problems  `FILE:LINE: what is wrong`, collected rather than raised
"""
