import pytest

from pagination import page_count, page_slice

ITEMS = list(range(1, 11))


def test_first_page():
    assert page_slice(ITEMS, 1, 3) == [1, 2, 3]


def test_second_page():
    assert page_slice(ITEMS, 2, 4) == [5, 6, 7, 8]


def test_page_count_rounds_up():
    assert page_count(10, 3) == 4


def test_rejects_page_zero():
    with pytest.raises(ValueError):
        page_slice(ITEMS, 0, 3)
