"""Arabic with Western digits, as CLDR's ``ar`` (latn) writes them: ``1,234,567.5``.

Django's defaults (decimal comma, dot for thousands, no grouping) print ``1234567`` for a million.
"""

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
