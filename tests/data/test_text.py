"""Untrusted text made visible: no byte of agent output may act on the terminal."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cabtui.data.text import counted, one_line, visible

BIDI_CONTROLS = [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
"""Unicode's Bidi_Control property (PropList.txt)."""


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b[31mred\x1b[0m", "␛[31mred␛[0m"),
        ("\x1b]0;title\x07", "␛]0;title␇"),
        ("bell\x07", "bell␇"),
        ("over\rwrite", "over␍write"),
        ("\x9b2J", "\\x9b2J"),
        ("\x9d0;t\x9c", "\\x9d0;t\\x9c"),
        ("del\x7f", "del␡"),
        ("nul\x00", "nul␀"),
        ("back\x08space", "back␈space"),
        ("a\nb", "a␊b"),
        ("a\tb", "a␉b"),
        ("abc\u202etxt.exe", "abc<U+202E>txt.exe"),
        ("\u2066isolate\u2069", "<U+2066>isolate<U+2069>"),
        ("zero\u200bwidth\ufeff", "zero<U+200B>width<U+FEFF>"),
        ("plain text, é ü 中文 🦀", "plain text, é ü 中文 🦀"),
    ],
)
def test_visible(raw: str, shown: str) -> None:
    assert visible(raw) == shown


def test_multiline_keeps_newlines_and_expands_tabs() -> None:
    raw = "error[E0106]: missing lifetime\n\t--> src/lib.rs\r\n\x1b[1mbold\x1b[0m\x9b\u202e\n"
    assert visible(raw, multiline=True) == (
        "error[E0106]: missing lifetime\n    --> src/lib.rs␍\n␛[1mbold␛[0m\\x9b<U+202E>\n"
    )
    assert visible(raw, multiline=True).count("\n") == 3
    assert "\n" not in visible(raw)


def test_every_c0_c1_and_del_becomes_printable() -> None:
    raw = "".join(chr(c) for c in [*range(0x20), 0x7F, *range(0x80, 0xA0)])
    shown = visible(raw)
    assert all(unicodedata.category(ch) != "Cc" for ch in shown)
    multi = visible(raw, multiline=True)
    assert [ch for ch in multi if unicodedata.category(ch) == "Cc"] == ["\n"]


def test_listed_bidi_overrides_become_visible() -> None:
    for code in [0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]:
        assert visible(chr(code)) == f"<U+{code:04X}>"
        assert visible(chr(code), multiline=True) == f"<U+{code:04X}>"


def test_every_bidi_control_becomes_visible() -> None:
    for code in BIDI_CONTROLS:
        assert visible(chr(code)) == f"<U+{code:04X}>"


@given(st.text())
def test_visible_leaves_no_control_characters(text: str) -> None:
    shown = visible(text)
    assert not any(unicodedata.category(ch) == "Cc" for ch in shown)
    assert not any(ord(ch) in {0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)} for ch in shown)
    assert visible(shown) == shown


@given(st.text())
def test_multiline_differs_only_in_newlines_and_tabs(text: str) -> None:
    shown = visible(text, multiline=True)
    assert [ch for ch in shown if unicodedata.category(ch) == "Cc"] == ["\n"] * text.count("\n")
    assert visible(text.replace("\t", "    ").replace("\n", "")) == shown.replace("\n", "")


def test_one_line_cuts_with_an_ellipsis() -> None:
    assert one_line("short") == "short"
    assert one_line("x" * 10, limit=5) == "xxxx…"
    assert one_line("a\nb\x1b", limit=200) == "a␊b␛"
    cut = one_line("\x1b" * 300, limit=10)
    assert cut == "␛" * 9 + "…"


def test_a_count_of_one_takes_the_singular() -> None:
    assert counted(1, "problem") == "1 problem"
    assert counted(0, "problem") == "0 problems"
    assert counted(1_000, "cell") == "1,000 cells"
