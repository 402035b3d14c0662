"""Pledges and the taxonomy they are tagged with."""

from p2c.pledges.models.pledge import Pledge, PledgePartner, PledgeTarget, ReferenceCounter
from p2c.pledges.models.taxonomy import SDG, FocusArea, Pillar, PledgeType, TargetGroup

__all__ = [
    "SDG",
    "FocusArea",
    "Pillar",
    "Pledge",
    "PledgePartner",
    "PledgeTarget",
    "PledgeType",
    "ReferenceCounter",
    "TargetGroup",
]
