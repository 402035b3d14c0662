"""Invented organisation names: an invented word plus sector words, unique, never a real organisation."""

from __future__ import annotations

import random

from django.utils.text import slugify

from p2c.demo import vocabulary as v

#: Markers that make demo rows recognisable (and removable): slug prefix and a reserved TLD (RFC 2606).
DEMO_SLUG_PREFIX = "demo-"
DEMO_WEBSITE_TLD = ".example"


class EntityNamer:
    """Hands out unique invented names (case-insensitively), with an acronym, slug and website."""

    def __init__(self, rng: random.Random, taken: set[str] | None = None) -> None:
        self.rng = rng
        self.used: set[str] = {name.lower() for name in taken or ()}

    def word(self) -> str:
        """An invented word of two or three syllables, never a known brand stem."""
        rng = self.rng
        while True:
            count = 3 if rng.random() < 0.6 else 2
            parts = [rng.choice(v.SYLLABLES) for _ in range(count)]
            if any(a == b for a, b in zip(parts, parts[1:], strict=False)):
                continue
            word = "".join(parts)
            if word not in v.REAL_NAME_STEMS and len(word) <= 10:
                return word.capitalize()

    def name(self, sector: str) -> str:
        """A new, unused name for an entity of ``sector`` (an entity type code)."""
        patterns = v.SECTOR_NAME_PATTERNS.get(sector, v.SECTOR_NAME_PATTERNS["other"])
        while True:
            name = self.rng.choice(patterns).format(w=self.word())
            if self.claim(name):
                return name

    def claim(self, name: str) -> bool:
        """Reserve ``name``; ``False`` if it (in any letter case) is already taken."""
        key = name.lower()
        if key in self.used:
            return False
        self.used.add(key)
        return True


def acronym_for(name: str) -> str:
    """Initials of the significant words (``"Velanor Digital Agency"`` → ``"VDA"``), or ``""``.

    Returns an empty string when the initials would spell a real organisation's acronym.
    """
    initials = "".join(word[0] for word in name.replace("-", " ").split() if word.lower() not in v.ACRONYM_SKIP)
    acronym = initials.upper()
    if len(acronym) < 2 or acronym in v.REAL_ACRONYMS:
        return ""
    return acronym


def slug_for(name: str) -> str:
    """The entity's slug, with the demo marker: ``demo-velanor-digital-agency``."""
    return DEMO_SLUG_PREFIX + slugify(name)[:200]


def website_for(slug: str) -> str:
    """A website under the reserved ``.example`` top-level domain, so it can never reach a real site."""
    return f"https://{slug.removeprefix(DEMO_SLUG_PREFIX)}{DEMO_WEBSITE_TLD}/"
