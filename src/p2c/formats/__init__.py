"""Formats where Django's locale defaults do not suit us: numbers in Arabic and Chinese (as CLDR writes
them), dates in English (day first) and Russian (no trailing "г."). Loaded through
settings.FORMAT_MODULE_PATH; see docs/i18n.md."""
