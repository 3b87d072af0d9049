"""An Inspect log's sample summaries as the grid reads them: only the keys its rows need.

summaries.json of 200,000 samples is about 100 MB of JSON, most of it what the grid never
shows (each sample's input, target, metadata, score answers and explanations). msgspec
decodes it into the small structs below and steps over everything else without making a
Python object of it: with the rows built from it, a third less time than orjson's dicts,
and far fewer objects to free after (benchmarks/inspect_load.py). A summaries member that
does not fit these shapes (not JSON, a score that is not an object, ...) is parsed whole
by orjson and each summary taken from its dict (`summary_of`), as a `.json` log's are: it
reads, and is reported, as before.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import msgspec

# gc=False: these hold JSON values only (no reference back to a struct), so the collector
# need not track them; 200,000 summaries are not walked by every collection while loading.


class Score(msgspec.Struct, gc=False):
    """A score: its value (the answer and explanation are read with the sample)."""

    value: Any = None


class SampleError(msgspec.Struct, gc=False):
    """A sample's error: its message (the traceback is read with the sample)."""

    message: Any = None


class Usage(msgspec.Struct, gc=False):
    """One model's token usage."""

    input_tokens: Any = None
    output_tokens: Any = None
    total_tokens: Any = None


class Summary(msgspec.Struct, gc=False):
    """What `inspect_cells.RowMaker.row` reads of a sample summary, and nothing else."""

    id: Any = None
    epoch: Any = 1
    scores: dict[str, Score] | None = None
    error: SampleError | str | None = None
    limit: Any = None
    model_usage: dict[str, Usage] | None = None
    total_time: Any = None
    started_at: Any = None
    completed_at: Any = None


@cache
def _decoder() -> msgspec.json.Decoder[list[Summary]]:
    return msgspec.json.Decoder(list[Summary])


def decode_summaries(data: bytes | bytearray) -> list[Summary] | None:
    """The summaries of a summaries member; None where it is not of the usual shape (or not
    JSON): the caller parses it whole then, and says what is wrong."""
    try:
        return _decoder().decode(data)
    except msgspec.DecodeError:  # ValidationError too: a shape these structs do not fit
        return None


def summary_of(value: Any) -> Summary | None:
    """A summary from a parsed one (a `.json` log's sample, an odd summaries member); None if not an object.

    Read as the grid always read them: a score that is not an object is its value, a model's
    usage that is not one counts nothing, an error that is neither text nor an object is its text.
    """
    if value.__class__ is not dict:
        return None
    get = value.get
    scores, usage, error = get("scores"), get("model_usage"), get("error")
    if isinstance(error, dict):
        error = SampleError(error.get("message"))
    elif not isinstance(error, str):
        error = str(error) if error else None
    if isinstance(scores, dict):
        scores = {name: Score(s.get("value")) if isinstance(s, dict) else Score(s) for name, s in scores.items()}
    if isinstance(usage, dict):
        usage = {
            name: Usage(u.get("input_tokens"), u.get("output_tokens"), u.get("total_tokens"))
            for name, u in usage.items()
            if isinstance(u, dict)
        }
    return Summary(
        get("id"),
        get("epoch", 1),
        scores if isinstance(scores, dict) else None,
        error,
        get("limit"),
        usage if isinstance(usage, dict) else None,
        get("total_time"),
        get("started_at"),
        get("completed_at"),
    )
