"""Look-alike usernames: which writing systems a string mixes, as Unicode Technical Standard #39
(section 5.2, "highly restrictive") judges it.

A string passes if one script covers every letter ("ラーメン", "佐々木", "Дмитрий"), or if it is
Latin written with the scripts of Chinese, Japanese or Korean ("tanaka太郎"). Latin mixed with
Cyrillic or Greek ("pаypal" with a Cyrillic "а") does not. Digits and punctuation (script Common)
and combining marks (Inherited) belong to every script.
"""

from functools import lru_cache

import unicodedataplus

ANY_SCRIPT = {"Zyyy", "Zinh"}  # Common, Inherited
# UTS #39's augmented script sets: Han is also Japanese, Korean and Chinese with Bopomofo, and
# kana and hangul are part of Japanese and Korean writing.
AUGMENTED = {
    "Hani": {"Jpan", "Kore", "Hanb"},
    "Hira": {"Jpan"},
    "Kana": {"Jpan"},
    "Hang": {"Kore"},
    "Bopo": {"Hanb"},
}
# The sets of scripts that may be mixed beyond a single script.
HIGHLY_RESTRICTIVE = (
    {"Latn", "Hani", "Hira", "Kana", "Jpan"},
    {"Latn", "Hani", "Bopo", "Hanb"},
    {"Latn", "Hani", "Hang", "Kore"},
)


@lru_cache(maxsize=4096)
def _scripts(char):
    """A character's scripts (its Script_Extensions, augmented); none for any-script ones."""
    scripts = set(unicodedataplus.script_extensions(char)) - ANY_SCRIPT
    return frozenset(scripts.union(*(AUGMENTED.get(script, ()) for script in scripts)))


def of_a_script(char) -> bool:
    """True for a character some writing systems use and others do not: a Devanagari vowel
    sign, an Arabic vowel mark, a Latin accent; False for Common and Inherited-only ones (a
    combining overlay such as U+0338 belongs to every script and so to none)."""
    return bool(_scripts(char))


def highly_restrictive(text: str) -> bool:
    """True unless `text` mixes scripts in a way that lets it pass for another string."""
    sets = [scripts for scripts in map(_scripts, text) if scripts]
    if not sets or sets[0].intersection(*sets[1:]):
        return True  # a single script
    return any(all(allowed & scripts for scripts in sets) for allowed in HIGHLY_RESTRICTIVE)
