"""Chinese (simplified) as CLDR's ``zh`` writes numbers: groups of three with a comma, ``1,234,567.5``.

Django's defaults (no separator, groups of four) print ``1234567`` for a million.
"""

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
