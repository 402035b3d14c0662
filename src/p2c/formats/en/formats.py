"""English dates in words, day first (``3 December 2026``): unambiguous for a worldwide readership.

Django's ``en`` writes ``Dec. 3, 2026``. Templates ask for ``DATE_FORMAT``, ``DATETIME_FORMAT`` and
``YEAR_MONTH_FORMAT`` rather than a pattern of their own, so that every language writes dates its
way (Russian needs the genitive month, ``3 декабря 2026``; Chinese ``2026年12月3日``).
"""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
