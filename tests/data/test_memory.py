"""memory.py: the GC pause restores the collector as it was, even on an exception; bounded
caches never hold more than their size and keep their pinned entries."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from cabtui.data.memory import BoundedCache, gc_paused, give_back_free_memory


@pytest.fixture
def collector() -> Iterator[None]:
    """Leave the collector and the frozen generation as the test found them."""
    was_enabled = gc.isenabled()
    yield
    gc.unfreeze()
    gc.enable() if was_enabled else gc.disable()


@pytest.mark.usefixtures("collector")
@pytest.mark.parametrize("enabled", [True, False])
def test_gc_paused_disables_then_restores_the_previous_state(enabled: bool) -> None:
    gc.enable() if enabled else gc.disable()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled() is enabled


@pytest.mark.usefixtures("collector")
@pytest.mark.parametrize("enabled", [True, False])
def test_gc_paused_restores_the_collector_when_the_block_raises(enabled: bool) -> None:
    gc.enable() if enabled else gc.disable()
    with pytest.raises(ValueError), gc_paused():
        raise ValueError("boom")
    assert gc.isenabled() is enabled


@pytest.mark.usefixtures("collector")
def test_gc_paused_freezes_what_was_built_only_when_asked() -> None:
    gc.unfreeze()
    with gc_paused():
        built = [[i] for i in range(100)]
    assert gc.get_freeze_count() == 0
    with pytest.raises(RuntimeError), gc_paused(freeze=True):
        built.append([0])
        raise RuntimeError("still frozen")
    assert gc.get_freeze_count() > 0
    assert gc.isenabled()


def test_bounded_cache_never_exceeds_its_size_and_starts_over() -> None:
    cache = BoundedCache[int, int](10)
    for i in range(1000):
        assert cache.put(i, i * i) == i * i
        assert len(cache) <= 10
    assert 999 in cache and cache.entries.get(999) == 999 * 999
    assert 0 not in cache


def test_bounded_cache_keeps_pinned_entries_and_its_dict_object() -> None:
    cache = BoundedCache[str, int](3, pinned={"keep": 0})
    entries = cache.entries
    for i in range(50):
        cache.put(str(i), i)
        assert cache.entries.get("keep") == 0
        assert len(cache) <= 3
    cache.clear()
    assert cache.entries is entries and dict(entries) == {"keep": 0}


def test_bounded_cache_put_keeps_the_first_value_like_setdefault() -> None:
    cache = BoundedCache[str, object](4)
    first, second = object(), object()
    assert cache.put("k", first) is first
    assert cache.put("k", second) is first  # interning stays canonical if two threads race


def test_a_full_cache_does_not_start_over_for_a_key_it_holds() -> None:
    cache = BoundedCache[int, int](2)
    cache.put(1, 1)
    cache.put(2, 2)
    cache.put(2, 5)
    assert dict(cache.entries) == {1: 1, 2: 2}


def test_free_memory_is_given_back_where_the_c_library_can() -> None:
    """glibc trims; elsewhere it says it could not, and nothing breaks."""
    import platform

    freed = [bytes(1 << 20) for _ in range(8)]
    del freed
    got = give_back_free_memory()
    assert got is (platform.libc_ver()[0] == "glibc")
