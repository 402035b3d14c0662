"""Russian dates in words without the trailing "г." (``9 июня 2022``), the genitive month kept.

Django's ``ru`` writes ``9 июня 2022 г.``; our sentences put a date at their end ("Черновик, последнее
сохранение {{ date }}."), which would read "2022 г..". ``YEAR_MONTH_FORMAT`` is the nominative month,
as Russian writes a month on its own: ``июнь 2022``.
"""

DATE_FORMAT = "j E Y"
DATETIME_FORMAT = "j E Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
