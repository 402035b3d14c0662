"""Pledges and the taxonomy they are tagged with."""

from p2c.pledges.models.pledge import Pledge, PledgeFacets, PledgePartner, PledgeTarget, ReferenceCounter
from p2c.pledges.models.taxonomy import SDG, FocusArea, Pillar, PledgeType, TargetGroup

__all__ = [
    "SDG",
    "FocusArea",
    "Pillar",
    "Pledge",
    "PledgeFacets",
    "PledgePartner",
    "PledgeTarget",
    "PledgeType",
    "ReferenceCounter",
    "TargetGroup",
]
