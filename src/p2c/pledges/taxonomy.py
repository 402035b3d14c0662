"""The seed taxonomy: focus areas and pillars of the P2C Action Framework, pledge types, SDGs,
target groups and entity types. ``taxonomy_load()`` is idempotent and never deletes what the
secretariat added in the admin; it only restores the seeded codes and their names.
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext_noop as N_

from p2c.entities.models import EntityType
from p2c.pledges.models import SDG, FocusArea, Pillar, PledgeType, TargetGroup

# (code, name, tagline, colour, [(pillar code, pillar name, description)])
FOCUS_AREAS = [
    (
        "access",
        N_("Access"),
        N_("Connecting people everywhere"),
        "#0b5cad",
        [
            ("infrastructure", N_("Infrastructure"), N_("Terrestrial and space networks, energy, spectrum, last mile")),
            ("affordability", N_("Affordability"), N_("Data plans, devices, device financing")),
            ("cybersecurity-resilience", N_("Cybersecurity and resilience"), ""),
        ],
    ),
    (
        "adoption",
        N_("Adoption"),
        N_("Empowering communities"),
        "#8a3ffc",
        [
            ("digital-skills", N_("Digital skills"), ""),
            (
                "digital-inclusion",
                N_("Digital inclusion"),
                N_("Gender, accessibility, assistive technology, data gaps"),
            ),
            ("local-content-services", N_("Relevant and local content and services"), ""),
        ],
    ),
    (
        "value-creation",
        N_("Value creation"),
        N_("Building digital ecosystems"),
        "#0f7d4a",
        [
            ("innovation-entrepreneurship", N_("Innovation and entrepreneurship"), ""),
            ("startups-smes", N_("Start-ups and SMEs"), ""),
            ("digital-trade-jobs", N_("Digital trade and jobs"), ""),
            ("data-driven-policy", N_("Data-driven policy and regulation"), ""),
            ("e-government", N_("E-government services"), ""),
        ],
    ),
    (
        "accelerate",
        N_("Accelerate"),
        N_("Incentivizing investments"),
        "#b3470a",
        [
            ("innovative-financing", N_("Innovative financing"), ""),
            ("project-viability", N_("Project viability"), N_("Business cases, political and regulatory risk")),
            ("investor-constellation", N_("Investor constellation"), N_("Blended finance, partnerships")),
        ],
    ),
]

PLEDGE_TYPES = [
    ("financial", N_("Financial"), N_("Money committed: investment, grants, loans, guarantees")),
    ("programmatic", N_("Programmatic"), N_("Projects and programmes carried out")),
    ("policy", N_("Policy"), N_("Laws, regulation and strategies adopted")),
    ("advocacy", N_("Advocacy"), N_("Awareness raised and commitments mobilised")),
]

# Official short titles of the 17 Sustainable Development Goals, with the UN's goal colours.
SDGS = [
    (1, N_("No poverty"), "#e5243b"),
    (2, N_("Zero hunger"), "#dda63a"),
    (3, N_("Good health and well-being"), "#4c9f38"),
    (4, N_("Quality education"), "#c5192d"),
    (5, N_("Gender equality"), "#ff3a21"),
    (6, N_("Clean water and sanitation"), "#26bde2"),
    (7, N_("Affordable and clean energy"), "#fcc30b"),
    (8, N_("Decent work and economic growth"), "#a21942"),
    (9, N_("Industry, innovation and infrastructure"), "#fd6925"),
    (10, N_("Reduced inequalities"), "#dd1367"),
    (11, N_("Sustainable cities and communities"), "#fd9d24"),
    (12, N_("Responsible consumption and production"), "#bf8b2e"),
    (13, N_("Climate action"), "#3f7e44"),
    (14, N_("Life below water"), "#0a97d9"),
    (15, N_("Life on land"), "#56c02b"),
    (16, N_("Peace, justice and strong institutions"), "#00689d"),
    (17, N_("Partnerships for the goals"), "#19486a"),
]

TARGET_GROUPS = [
    ("women-girls", N_("Women and girls")),
    ("youth", N_("Youth")),
    ("older-persons", N_("Older persons")),
    ("persons-disabilities", N_("Persons with disabilities")),
    ("rural-communities", N_("Rural communities")),
    ("indigenous-peoples", N_("Indigenous peoples")),
    ("refugees-displaced", N_("Refugees and displaced persons")),
    ("schools-students", N_("Schools and students")),
    ("smes", N_("SMEs")),
    ("others", N_("Others")),
]

ENTITY_TYPES = [
    ("government", N_("Government")),
    ("private-sector", N_("Private sector")),
    ("civil-society", N_("Civil society")),
    ("academia", N_("Academia")),
    ("international-organisation", N_("International organisation")),
    ("un-entity", N_("UN entity")),
    ("philanthropy", N_("Philanthropy")),
    ("other", N_("Other")),
]


def _upsert(model: type[models.Model], key: dict[str, Any], values: dict[str, Any]) -> Any:
    obj, _created = model._default_manager.update_or_create(**key, defaults=values)
    return obj


@transaction.atomic
def taxonomy_load() -> dict[str, int]:
    """Create or restore the seeded taxonomy; returns how many rows of each kind exist afterwards."""
    for order, (code, name, tagline, colour, pillars) in enumerate(FOCUS_AREAS, start=1):
        area = _upsert(FocusArea, {"code": code}, {"name": name, "tagline": tagline, "colour": colour, "order": order})
        for p_order, (p_code, p_name, p_description) in enumerate(pillars, start=1):
            _upsert(
                Pillar,
                {"code": p_code},
                {"focus_area": area, "name": p_name, "description": p_description, "order": p_order},
            )
    for order, (code, name, description) in enumerate(PLEDGE_TYPES, start=1):
        _upsert(PledgeType, {"code": code}, {"name": name, "description": description, "order": order})
    for number, title, colour in SDGS:
        _upsert(SDG, {"number": number}, {"short_title": title, "colour": colour})
    for order, (code, name) in enumerate(TARGET_GROUPS, start=1):
        _upsert(TargetGroup, {"code": code}, {"name": name, "order": order})
    for order, (code, name) in enumerate(ENTITY_TYPES, start=1):
        _upsert(EntityType, {"code": code}, {"name": name, "order": order})
    return {
        "focus_areas": FocusArea.objects.count(),
        "pillars": Pillar.objects.count(),
        "pledge_types": PledgeType.objects.count(),
        "sdgs": SDG.objects.count(),
        "target_groups": TargetGroup.objects.count(),
        "entity_types": EntityType.objects.count(),
    }
