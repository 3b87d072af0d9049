"""Message catalogue lookups."""
import json
from pathlib import Path

LOCALES = Path(__file__).resolve().parent.parent / "locales"


def catalogue(lang: str) -> dict[str, str]:
    return json.loads((LOCALES / f"{lang}.json").read_text(encoding="utf-8"))


def t(key: str, lang: str, **values: str) -> str:
    return catalogue(lang)[key].format(**values)
