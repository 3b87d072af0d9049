import re

import pytest

from messages import catalogue, t

PLACEHOLDER = re.compile(r"\{(\w+)\}")


@pytest.mark.parametrize("lang", ["ja", "zh"])
def test_every_key_is_translated(lang):
    assert sorted(catalogue(lang)) == sorted(catalogue("en"))


@pytest.mark.parametrize("lang", ["ja", "zh"])
def test_placeholders_match(lang):
    en = catalogue("en")
    for key, text in catalogue(lang).items():
        assert PLACEHOLDER.findall(text) == PLACEHOLDER.findall(en[key]), key


def test_format():
    assert t("file.saved", "ja", path="a.txt") == "a.txt を保存しました"
