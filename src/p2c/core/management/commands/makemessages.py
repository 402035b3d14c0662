"""``p2c makemessages``: Django's, also extracting ``N_("…")`` (our alias of ``gettext_noop``).

Reference vocabularies (focus areas, SDGs, target groups, region names…) are marked with ``N_`` where
they are defined and translated where they are shown; without this keyword they never reach the
catalogues. Run from ``src/p2c``: ``p2c makemessages -l ar -l zh_Hans -l fr -l ru -l es --ignore 'static/*'``
(see docs/i18n.md).
"""

from __future__ import annotations

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=N_"]
