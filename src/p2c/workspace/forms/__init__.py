"""The pledge form and the small forms of the workspace.

- ``pledge``: the main form (about, classification, money, dates, new or existing);
- ``geography``: scope, regions, countries and the "add countries" shortcut;
- ``rows``: the target and partner rows;
- ``editor``: all of them together, as the views use them (``PledgeEditor``);
- ``choices``: the checkbox and radio groups, ready for the templates.
"""

from p2c.workspace.forms.editor import PledgeEditor
from p2c.workspace.forms.pledge import PledgeForm, WithdrawForm

__all__ = ["PledgeEditor", "PledgeForm", "WithdrawForm"]
