"""PlaybackClock driven by a fake time source: no sleeps, exact arithmetic."""

from __future__ import annotations

import pytest

from cabtui.data.clock import SPEEDS, PlaybackClock


class FakeTime:
    """A time source the test advances by hand."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def now() -> FakeTime:
    return FakeTime()


def make(now: FakeTime, duration: float = 10_000.0) -> PlaybackClock:
    return PlaybackClock(duration, get_time=now)


def test_starts_paused_at_zero(now: FakeTime) -> None:
    clock = make(now)
    now.advance(5)
    assert clock.position == 0 and not clock.playing and clock.speed == 1.0
    assert clock.duration_ms == 10_000


def test_play_advances_in_real_time(now: FakeTime) -> None:
    clock = make(now)
    clock.play()
    now.advance(1.5)
    assert clock.playing and clock.position == pytest.approx(1500)


def test_pause_freezes(now: FakeTime) -> None:
    clock = make(now)
    clock.play()
    now.advance(1)
    clock.pause()
    now.advance(100)
    assert not clock.playing and clock.position == pytest.approx(1000)
    clock.play()
    now.advance(0.5)
    assert clock.position == pytest.approx(1500)


def test_toggle(now: FakeTime) -> None:
    clock = make(now)
    assert clock.toggle() is True and clock.playing
    assert clock.toggle() is False and not clock.playing


def test_play_twice_does_not_reset_progress(now: FakeTime) -> None:
    clock = make(now)
    clock.play()
    now.advance(1)
    clock.play()
    now.advance(1)
    assert clock.position == pytest.approx(2000)


def test_reaching_the_end_pauses_there(now: FakeTime) -> None:
    clock = make(now, 2000)
    clock.play()
    now.advance(60)
    assert clock.position == 2000 and clock.at_end and not clock.playing
    now.advance(60)
    assert clock.position == 2000


def test_playing_flag_alone_notices_the_end(now: FakeTime) -> None:
    clock = make(now, 2000)
    clock.play()
    now.advance(3)
    assert not clock.playing
    assert clock.position == 2000


def test_play_at_the_end_restarts_from_zero(now: FakeTime) -> None:
    clock = make(now, 2000)
    clock.seek(2000)
    clock.play()
    assert clock.playing and clock.position == 0
    now.advance(0.25)
    assert clock.position == pytest.approx(250)


def test_speed_ladder_and_limits(now: FakeTime) -> None:
    clock = make(now)
    assert [clock.faster() for _ in range(10)][-1] == SPEEDS[-1]
    assert [clock.slower() for _ in range(10)][-1] == SPEEDS[0]
    assert clock.set_speed(3) in (2.0, 4.0)
    assert clock.set_speed(0) == 1.0 and clock.set_speed(float("nan")) == 1.0


def test_speed_change_while_playing_is_continuous(now: FakeTime) -> None:
    clock = make(now)
    clock.play()
    now.advance(1)
    before = clock.position
    clock.faster()  # 2x
    assert clock.position == pytest.approx(before)
    now.advance(1)
    assert clock.position == pytest.approx(3000)
    clock.set_speed(0.25)
    now.advance(4)
    assert clock.position == pytest.approx(4000)


def test_seek_clamps_and_keeps_play_state(now: FakeTime) -> None:
    clock = make(now)
    clock.seek(-5)
    assert clock.position == 0
    clock.seek(1e12)
    assert clock.position == 10_000
    clock.seek(4000)
    clock.play()
    clock.seek(1000)
    assert clock.playing
    now.advance(1)
    assert clock.position == pytest.approx(2000)


def test_seek_nan_is_ignored(now: FakeTime) -> None:
    clock = make(now)
    clock.seek(1234)
    clock.seek(float("nan"))
    assert clock.position == 1234


def test_seek_returns_the_exact_target_while_paused(now: FakeTime) -> None:
    # The replay screen relies on this to know the cursor sits on the selected span.
    clock = make(now)
    clock.seek(123.456789)
    now.advance(3)
    assert clock.position == 123.456789


def test_step(now: FakeTime) -> None:
    clock = make(now)
    clock.step(100)
    clock.step(100)
    assert clock.position == 200
    clock.step(-1000)
    assert clock.position == 0
    clock.seek(9950)
    clock.step(100)
    assert clock.position == 10_000 and clock.at_end


def test_set_duration_clamps(now: FakeTime) -> None:
    clock = make(now)
    clock.seek(8000)
    clock.set_duration(5000)
    assert clock.position == 5000 and clock.duration_ms == 5000
    clock.set_duration(20_000)
    assert clock.position == 5000


def test_empty_clock_never_plays(now: FakeTime) -> None:
    for duration in (0.0, -3.0, float("nan"), float("inf")):
        clock = make(now, duration)
        assert clock.duration_ms == 0
        clock.play()
        assert not clock.playing and clock.position == 0 and clock.at_end


def test_a_backwards_time_source_does_not_rewind(now: FakeTime) -> None:
    clock = make(now)
    clock.play()
    now.advance(1)
    assert clock.position == pytest.approx(1000)
    now.advance(-10)
    assert clock.position == pytest.approx(1000)
    now.advance(10.5)  # back where it was, then half a second on
    assert clock.position == pytest.approx(1500)


def test_repr(now: FakeTime) -> None:
    assert "paused" in repr(make(now))
