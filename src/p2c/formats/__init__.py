"""Number formats where Django's locale defaults differ from CLDR's (settings.FORMAT_MODULE_PATH; docs/i18n.md)."""
