"""PlaybackClock invariants under arbitrary operation sequences (fake time, no sleeps)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cabtui.data.clock import SPEEDS, PlaybackClock


class FakeTime:
    """A time source the test advances by hand."""

    def __init__(self) -> None:
        self.now = 50.0
        self.high = self.now
        """The latest time handed out: the clock never goes back behind it."""

    def __call__(self) -> float:
        self.high = max(self.high, self.now)
        return self.now


any_float = st.floats(allow_nan=True, allow_infinity=True)
durations = st.floats(min_value=0, max_value=1e7, allow_nan=False)
operations = st.lists(
    st.one_of(
        st.tuples(st.sampled_from(["play", "pause", "toggle", "faster", "slower", "read"])),
        st.tuples(st.just("advance"), st.floats(min_value=-5, max_value=1e4)),
        st.tuples(st.just("seek"), any_float),
        st.tuples(st.just("step"), st.floats(min_value=-1e6, max_value=1e6)),
        st.tuples(st.just("set_speed"), any_float),
        st.tuples(st.just("set_duration"), durations),
    ),
    max_size=40,
)


def run(clock: PlaybackClock, now: FakeTime, ops: list[tuple[Any, ...]]) -> None:
    for name, *args in ops:
        if name == "advance":
            now.now += args[0]
        elif name == "read":
            _ = clock.position
        else:
            getattr(clock, name)(*args)
        assert 0.0 <= clock.position <= clock.duration_ms


@given(durations, operations)
def test_position_stays_within_the_duration(duration: float, ops: list[tuple[Any, ...]]) -> None:
    now = FakeTime()
    clock = PlaybackClock(duration, get_time=now)
    run(clock, now, ops)
    assert clock.speed in SPEEDS


@given(durations, operations, st.floats(min_value=0, max_value=1e6))
def test_pause_freezes(duration: float, ops: list[tuple[Any, ...]], later: float) -> None:
    now = FakeTime()
    clock = PlaybackClock(duration, get_time=now)
    run(clock, now, ops)
    clock.pause()
    frozen = clock.position
    now.now += later
    assert clock.position == frozen and not clock.playing


@given(
    st.floats(min_value=1, max_value=1e7),
    st.floats(min_value=0, max_value=1),
    st.sampled_from(SPEEDS),
    st.floats(min_value=0, max_value=1e4),
    operations,
)
def test_speed_scales_elapsed_time(
    duration: float, fraction: float, speed: float, elapsed: float, ops: list[tuple[Any, ...]]
) -> None:
    now = FakeTime()
    clock = PlaybackClock(duration, get_time=now)
    run(clock, now, ops)
    now.now = now.high  # let a source that went backwards catch up, as the clock waits for it
    clock.set_duration(duration)
    start = min(fraction * duration, duration * 0.999)  # play() at the very end would restart
    clock.pause()
    clock.seek(start)
    clock.set_speed(speed)
    clock.play()
    now.now += elapsed
    unclamped = start + elapsed * 1000.0 * speed
    assert clock.position == pytest.approx(min(unclamped, duration), rel=1e-9, abs=1e-6)
    # The fake time's own rounding decides the instant the end is reached: judge clear cases only.
    if unclamped < duration - 1e-6:
        assert clock.playing
    elif unclamped > duration + 1e-6:
        assert not clock.playing and clock.at_end


@given(durations, operations, any_float)
def test_seeking_twice_is_idempotent(duration: float, ops: list[tuple[Any, ...]], target: float) -> None:
    now = FakeTime()
    clock = PlaybackClock(duration, get_time=now)
    run(clock, now, ops)
    clock.seek(target)
    once = (clock.position, clock.playing)
    clock.seek(target)
    assert (clock.position, clock.playing) == once


@given(durations, operations, st.sampled_from(["faster", "slower", "set_speed"]), any_float)
def test_speed_changes_keep_the_position(
    duration: float, ops: list[tuple[Any, ...]], change: str, value: float
) -> None:
    now = FakeTime()
    clock = PlaybackClock(duration, get_time=now)
    run(clock, now, ops)
    before = clock.position
    if change == "set_speed":
        clock.set_speed(value)
    else:
        getattr(clock, change)()
    assert clock.position == pytest.approx(before, rel=1e-12, abs=1e-9)


@given(st.floats(min_value=0, max_value=1e7), st.floats(min_value=0, max_value=1.0))
def test_a_paused_seek_reads_back_exactly(duration: float, fraction: float) -> None:
    # The replay screen compares the position with a span's start to know it sits on it.
    now = FakeTime()
    clock = PlaybackClock(duration, get_time=now)
    target = fraction * duration
    clock.seek(target)
    now.now += 123
    assert clock.position == target
