"""Language codes (BCP 47 tags) and the direction their script is written in, decided by ``langcodes``.

A tag is a language code when ``langcodes`` finds it well formed and made of registered subtags
("prs", "ps", "uk", "fa-AF", "sr-Latn"); "klingon language" and "xx-??" are not. A tag's script is
the one it names, else the one its language is most likely written in (CLDR's likely subtags, as
``langcodes`` maximizes the tag): Pashto, Dari, Arabic, Persian and Urdu are written in the Arabic
script, Hebrew and Yiddish in the Hebrew one, so their text runs right to left.
"""

from __future__ import annotations

from functools import lru_cache

import langcodes

# ISO 15924 codes of the scripts written right to left (Unicode's bidi class R or AL), current and
# historic.
RTL_SCRIPTS = frozenset(
    {
        "Adlm", "Arab", "Aran", "Armi", "Avst", "Chrs", "Cprt", "Elym", "Hatr", "Hebr", "Hung", "Khar",
        "Lydi", "Mand", "Mani", "Mend", "Narb", "Nbat", "Nkoo", "Orkh", "Ougr", "Palm", "Phli", "Phlp",
        "Phnx", "Prti", "Rohg", "Samr", "Sarb", "Sogd", "Sogo", "Syrc", "Thaa", "Yezi",
    }
)  # fmt: skip


@lru_cache(maxsize=1024)
def is_language_tag(tag: str) -> bool:
    """Whether ``tag`` is a valid BCP 47 language tag (registered subtags only)."""
    try:
        return bool(tag) and tag.strip() == tag and langcodes.tag_is_valid(tag)
    except (ValueError, langcodes.LanguageTagError):
        return False


@lru_cache(maxsize=1024)
def script_of(tag: str) -> str:
    """The ISO 15924 script a text in ``tag`` is written in ("" when the tag is not a language code)."""
    if not is_language_tag(tag):
        return ""
    try:
        return langcodes.Language.get(tag).maximize().script or ""
    except (ValueError, langcodes.LanguageTagError):
        return ""


def text_direction(tag: str) -> str:
    """``rtl`` or ``ltr`` for a text in the language ``tag``, by its script; ``auto`` when the language
    is not known (the browser then decides by the text's first strong character)."""
    script = script_of(tag or "")
    if not script:
        return "auto"
    return "rtl" if script in RTL_SCRIPTS else "ltr"


def language_problem(tag: str) -> str | None:
    """Why ``tag`` is not a language code, or None when it is one (or is empty)."""
    if not tag or is_language_tag(tag):
        return None
    return f"“{tag}” is not a language code; use a BCP 47 tag such as en, ps, prs, ar, uk or fa-AF."
