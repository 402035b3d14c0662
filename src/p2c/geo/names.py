"""Country and region names in the interface language.

Country names come from pycountry's own translations of ISO 3166-1 (the ``iso3166-1`` gettext
domain it ships, from Debian's iso-codes project, LGPL-2.1); the stored ``Country.name`` is the
English display name and the fallback. Region names (UN M49 regions and ITU regions) are in our own
catalogue: ``REGION_NAMES`` marks each of them for translation.
"""

from __future__ import annotations

import gettext
from functools import cache

import pycountry
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

# pycountry's locale directory names for our language codes, where they differ.
_PYCOUNTRY_LOCALE = {"zh-hans": "zh_CN"}

# Every region name the reference lists load (src/p2c/geo/data/m49.csv, geo.reference.ITU_REGION_NAMES),
# so that makemessages puts them in the catalogue. tests/geo/test_names.py keeps this list complete.
REGION_NAMES = (
    N_("Africa"),
    N_("Americas"),
    N_("Asia"),
    N_("Australia and New Zealand"),
    N_("Caribbean"),
    N_("Central America"),
    N_("Central Asia"),
    N_("Channel Islands"),
    N_("Eastern Africa"),
    N_("Eastern Asia"),
    N_("Eastern Europe"),
    N_("Europe"),
    N_("Latin America and the Caribbean"),
    N_("Melanesia"),
    N_("Micronesia"),
    N_("Middle Africa"),
    N_("Northern Africa"),
    N_("Northern America"),
    N_("Northern Europe"),
    N_("Oceania"),
    N_("Polynesia"),
    N_("South America"),
    N_("South-eastern Asia"),
    N_("Southern Africa"),
    N_("Southern Asia"),
    N_("Southern Europe"),
    N_("Sub-Saharan Africa"),
    N_("Western Africa"),
    N_("Western Asia"),
    N_("Western Europe"),
    # ITU-D regions
    N_("Arab States"),
    N_("Asia & Pacific"),
    N_("CIS"),
)


@cache
def _iso3166_catalogue(language: str) -> gettext.NullTranslations:
    code = _PYCOUNTRY_LOCALE.get(language, language)
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[code], fallback=True)


@cache
def _country_name(iso2: str, language: str, english: str) -> str:
    record = pycountry.countries.get(alpha_2=iso2)
    if record is None:
        return english
    catalogue = _iso3166_catalogue(language)
    # The catalogue's own messages: a name spelt the same in both languages ("Bolivia" in Spanish) is
    # still a translation, so look the entry up rather than compare the result with the source.
    messages: dict[str, str] = getattr(catalogue, "_catalog", {})
    for source in (getattr(record, "common_name", None), record.name):
        if source and messages.get(source):
            return messages[source]
    return english


def country_name(iso2: str, english: str) -> str:
    """The country's name in the active language; ``english`` (the stored name) in English or when unknown."""
    language = get_language() or settings.LANGUAGE_CODE
    if language == settings.LANGUAGE_CODE:
        return english
    return _country_name(iso2, language, english)


def region_name(english: str) -> str:
    """A region's name in the active language (from our catalogue)."""
    return _(english) if english else english
