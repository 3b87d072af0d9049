"""Show every message key in every locale, with width-aware columns (CJK and emoji are 2 cells wide)."""

import json
import sys
import unicodedata
from pathlib import Path


def cells(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1 for c in s)


def pad(s, n):
    return s + " " * max(0, n - cells(s))


folder = Path(sys.argv[1])
cats = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))}
langs = [k for k in cats if k != "en"]
print(f"🌐 {len(cats)} locales, {len(cats['en'])} keys (en is the reference)")
print(pad("key", 14) + "".join(pad(lang, 28) for lang in langs) + "ok")
missing = 0
for key in cats["en"]:
    row = [cats[lang].get(key) for lang in langs]
    missing += row.count(None)
    ok = "✅" if None not in row else "❌"
    print(pad(key, 14) + "".join(pad(v if v is not None else "—  missing", 28) for v in row) + ok)
print("全部翻译完成 🎉" if not missing else f"⚠️  {missing} translation(s) missing / 翻訳が足りません")
