"""Words and weights the demo generator draws from: invented name parts, sector mix, templates, events.

Everything here is data. Entity names are built from invented syllables plus sector words, so they
never name a real organisation; ``REAL_NAME_STEMS`` and ``REAL_ACRONYMS`` keep the few invented words
and acronyms that happen to coincide with real ones out. The generated texts are content (English
demo data), not interface strings, so they are not marked for translation.
"""

from __future__ import annotations

import datetime as dt


def _words(text: str) -> list[str]:
    """Split a block of space-separated words (keeps long word lists compact)."""
    return text.split()


# --- Time ---------------------------------------------------------------------------------------
#: The pledging platform opened on 16 March 2022; demo pledges are spread from then to ANCHOR.
PLATFORM_LAUNCH = dt.date(2022, 3, 16)
#: A fixed "today" for the demo data, so that a seed always produces the same dates.
ANCHOR = dt.date(2026, 11, 1)

#: Cumulative share of pledges by date (piecewise linear), shaped on the real coalition's growth:
#: 360 pledges by June 2022, 500 by October 2022, 845 by December 2023, 1,000 by February 2025.
GROWTH_CURVE: list[tuple[dt.date, float]] = [
    (PLATFORM_LAUNCH, 0.0),
    (dt.date(2022, 6, 30), 360 / 1200),
    (dt.date(2022, 10, 31), 500 / 1200),
    (dt.date(2023, 12, 31), 845 / 1200),
    (dt.date(2025, 2, 28), 1000 / 1200),
    (ANCHOR, 1.0),
]

# --- Entities -----------------------------------------------------------------------------------
#: The first entity, always: the demo pledger account is its focal point (see p2c.core.setup).
FIRST_ENTITY = {
    "name": "Kijiji Telecom",
    "acronym": "KTEL",
    "type": "private-sector",
    "country": "KE",
    "description": "Fictitious mobile operator (demo data) connecting villages across East Africa.",
}

#: Roughly one entity for every 2.2 pledges, as in the real coalition (408 entities, 845 pledges).
PLEDGES_PER_ENTITY = 2.2
MAX_ENTITIES = 50_000

#: Share of entities by sector, and share of pledges led by each sector (governments are many and
#: pledge often; the private sector pledges less often but the largest amounts).
ENTITY_SECTOR_WEIGHTS: dict[str, float] = {
    "government": 0.30,
    "private-sector": 0.22,
    "civil-society": 0.20,
    "academia": 0.10,
    "international-organisation": 0.07,
    "un-entity": 0.04,
    "philanthropy": 0.04,
    "other": 0.03,
}
PLEDGE_SECTOR_WEIGHTS: dict[str, float] = {
    "government": 0.50,
    "private-sector": 0.17,
    "civil-society": 0.13,
    "academia": 0.06,
    "international-organisation": 0.06,
    "un-entity": 0.05,
    "philanthropy": 0.02,
    "other": 0.01,
}

#: USD amounts are log-normal per sector: (median USD, sigma of the log). The private sector has
#: fewer pledges but the largest amounts; calibrated to about USD 80 bn per 1,000 published pledges.
AMOUNT_LOGNORMAL: dict[str, tuple[float, float]] = {
    "government": (3_500_000, 2.4),
    "private-sector": (18_000_000, 3.0),
    "civil-society": (300_000, 2.0),
    "academia": (250_000, 1.8),
    "international-organisation": (6_000_000, 2.5),
    "un-entity": (3_000_000, 2.3),
    "philanthropy": (2_000_000, 2.0),
    "other": (400_000, 2.0),
}
AMOUNT_MIN_USD = 5_000
AMOUNT_MAX_USD = 12_000_000_000

#: Home-country weight by World Bank income group (L, LM, UM, H, none), per sector.
HOME_INCOME_WEIGHTS: dict[str, dict[str, float]] = {
    "government": {"L": 3.0, "LM": 3.0, "UM": 2.0, "H": 1.0, "": 0.05},
    "private-sector": {"L": 0.6, "LM": 1.5, "UM": 2.0, "H": 3.0, "": 0.05},
    "civil-society": {"L": 2.0, "LM": 2.0, "UM": 1.5, "H": 2.0, "": 0.05},
    "academia": {"L": 0.7, "LM": 1.5, "UM": 2.0, "H": 3.0, "": 0.05},
    "international-organisation": {"L": 0.5, "LM": 1.0, "UM": 1.0, "H": 4.0, "": 0.05},
    "un-entity": {"L": 0.5, "LM": 1.0, "UM": 1.0, "H": 4.0, "": 0.05},
    "philanthropy": {"L": 0.3, "LM": 0.8, "UM": 1.0, "H": 4.0, "": 0.05},
    "other": {"L": 1.0, "LM": 1.5, "UM": 1.5, "H": 2.0, "": 0.05},
}

#: Headquarters countries that host many companies, international bodies and foundations: their
#: home-country weight is multiplied by this for every sector but government.
HQ_BOOST: dict[str, float] = {
    "US": 8.0,
    "CH": 6.0,
    "GB": 4.0,
    "FR": 4.0,
    "DE": 4.0,
    "JP": 4.0,
    "NL": 2.0,
    "SE": 2.0,
    "IN": 3.0,
    "CN": 2.0,
    "BR": 2.0,
    "ZA": 2.0,
    "KE": 2.0,
    "NG": 2.0,
    "SN": 1.5,
}

# Invented syllables; words are 2 or 3 of them ("Velanor", "Kisumaro" …).
SYLLABLES = _words(
    "ka ki ko ku la le li lo lu ma me mi mo na ne ni no nu ra re ri ro ru sa se si so ta te ti to "
    "va ve vi vo za zi zo ya yo ba be bo da di do fa fi ga go ha hi ju wa wi "
    "lan ran mar tel dor ven sol nar bel kan tor mir zan lun rav sen"
)

#: Invented words that would coincide with a real brand or organisation; never used.
REAL_NAME_STEMS = frozenset(
    _words(
        "tata nokia zain orange safaricom airtel telenor huawei ericsson cisco meta google intel samsung "
        "sony oracle amazon rakuten viasat iridium liquid ooredoo etisalat telkom tigo millicom digicel "
        "globe smart jio reliance bharti axiata telia movistar claro vivo tim kddi ntt softbank tencent "
        "baidu lenovo zte mara kali sana vita lumo kaya sole vodafone maroc solar nova tele sira yoda "
        "sanofi nike tesla tora kobe zara lego mazda toyota rolex"
    )
)
#: Acronyms of real organisations; a generated acronym equal to one of these is dropped.
REAL_ACRONYMS = frozenset(
    _words(
        "ITU UN UNDP UNICEF UNESCO UNHCR UNCDF UNCTAD UNFPA UNOPS UNEP UNIDO GSMA WB IDB AFDB ADB AIIB EIB "
        "EU AU OECD WHO ILO FAO WFP IMF IFC WIPO WTO UPU KT BT MTN STC IEEE ICANN ISOC APC WEF ESA NASA "
        "ATT NTT KDDI SKT TIM DT CTU ATU APT CEPT CITEL RCC ASEAN ECOWAS SADC EAC IGAD GIZ JICA USAID DFID "
        "FCDO SIDA NORAD KFW AFD BMGF IDRC"
    )
)

#: Name patterns by entity type code; ``{w}`` is an invented word.
SECTOR_NAME_PATTERNS: dict[str, tuple[str, ...]] = {
    "government": (
        "{w} National Connectivity Agency",
        "{w} Digital Transformation Office",
        "{w} Communications Regulatory Authority",
        "{w} Universal Service Fund",
        "{w} Agency for Digital Development",
        "{w} Broadband Programme Office",
        "{w} E-Government Agency",
        "{w} Rural Connectivity Directorate",
    ),
    "private-sector": (
        "{w} Telecom",
        "{w} Networks",
        "{w} Mobile",
        "{w} Satellite Services",
        "{w} Fibre",
        "{w} Cloud",
        "{w} Towers",
        "{w} Digital",
        "{w} Data Centres",
        "{w} Devices",
        "{w} Capital Partners",
        "{w} Solar Connect",
        "{w} Fintech",
        "{w} Software",
    ),
    "civil-society": (
        "{w} Community Networks Association",
        "{w} Digital Inclusion Network",
        "{w} Women in Tech Collective",
        "{w} Digital Rights Initiative",
        "{w} Youth Connect",
        "{w} Libraries Alliance",
        "{w} Rural Access Coalition",
    ),
    "academia": (
        "University of {w}",
        "{w} Institute of Technology",
        "{w} Polytechnic",
        "{w} Centre for Digital Research",
        "{w} School of Engineering",
        "{w} Open University",
    ),
    "international-organisation": (
        "{w} Regional Digital Cooperation Council",
        "{w} Development Fund",
        "{w} Interregional Connectivity Alliance",
        "{w} Regional Infrastructure Bank",
        "{w} Digital Economy Forum",
    ),
    "un-entity": (
        "{w} Programme for Connected Development",
        "{w} Office for Digital Cooperation",
        "{w} Agency for Sustainable Connectivity",
        "{w} Facility for Digital Public Goods",
    ),
    "philanthropy": (
        "{w} Foundation",
        "{w} Trust",
        "{w} Family Foundation",
        "{w} Philanthropies",
        "{w} Fund for Open Access",
    ),
    "other": (
        "{w} Alliance",
        "{w} Consortium",
        "{w} Chamber of Digital Commerce",
        "{w} Standards Forum",
    ),
}
#: Words left out of acronyms.
ACRONYM_SKIP = frozenset({"of", "for", "in", "and", "the", "&"})

SECTOR_DESCRIPTIONS: dict[str, str] = {
    "government": "Fictitious public agency (demo data) responsible for connectivity and digital policy.",
    "private-sector": "Fictitious company (demo data) building and operating digital infrastructure and services.",
    "civil-society": "Fictitious non-profit organisation (demo data) working for digital inclusion.",
    "academia": "Fictitious university or research centre (demo data) working on digital development.",
    "international-organisation": "Fictitious intergovernmental organisation (demo data) supporting connectivity.",
    "un-entity": "Fictitious United Nations-style programme (demo data) for sustainable digital development.",
    "philanthropy": "Fictitious philanthropic foundation (demo data) funding universal connectivity.",
    "other": "Fictitious multi-stakeholder group (demo data) promoting meaningful connectivity.",
}

# --- Money --------------------------------------------------------------------------------------
#: Local currencies by home country (the rest pledge in USD). EUR, GBP, JPY, CHF, INR, ZAR and BRL
#: have ECB reference rates; KES, XOF, NGN, GHS and BDT do not, so their pledgers give a USD estimate.
EURO_AREA = frozenset(_words("AT BE HR CY EE FI FR DE GR IE IT LV LT LU MT NL PT SK SI ES"))
XOF_AREA = frozenset(_words("BJ BF CI GW ML NE SN TG"))
COUNTRY_CURRENCY: dict[str, str] = {
    **dict.fromkeys(EURO_AREA, "EUR"),
    **dict.fromkeys(XOF_AREA, "XOF"),
    "GB": "GBP",
    "JP": "JPY",
    "CH": "CHF",
    "IN": "INR",
    "ZA": "ZAR",
    "BR": "BRL",
    "KE": "KES",
    "NG": "NGN",
    "GH": "GHS",
    "BD": "BDT",
}
#: Share of an entity's pledges made in its local currency (when it has one).
LOCAL_CURRENCY_SHARE = 0.7
#: Approximate USD per unit for currencies without an ECB rate, the pledger's own estimate.
PLEDGER_USD_RATES: dict[str, float] = {
    "KES": 0.0077,
    "XOF": 0.00165,
    "NGN": 0.00068,
    "GHS": 0.075,
    "BDT": 0.0085,
}

# --- Pledges ------------------------------------------------------------------------------------
#: Review states and their shares before ageing (recent pledges may still be waiting for review).
STATE_WEIGHTS: dict[str, float] = {
    "published": 0.745,
    "draft": 0.07,
    "submitted": 0.05,
    "changes_requested": 0.04,
    "rejected": 0.03,
    "withdrawn": 0.05,
}
DELIVERY_WEIGHTS: dict[str, float] = {
    "on_track": 0.55,
    "not_started": 0.10,
    "delayed": 0.15,
    "completed": 0.15,
    "discontinued": 0.05,
}
#: Primary pledge type by sector (overall about 58% programmatic, 21% advocacy, 12% policy).
PLEDGE_TYPE_WEIGHTS: dict[str, dict[str, float]] = {
    "government": {"programmatic": 0.55, "advocacy": 0.15, "policy": 0.22, "financial": 0.08},
    "private-sector": {"programmatic": 0.60, "advocacy": 0.15, "policy": 0.02, "financial": 0.23},
    "civil-society": {"programmatic": 0.58, "advocacy": 0.38, "policy": 0.03, "financial": 0.01},
    "academia": {"programmatic": 0.68, "advocacy": 0.27, "policy": 0.03, "financial": 0.02},
    "international-organisation": {"programmatic": 0.60, "advocacy": 0.24, "policy": 0.06, "financial": 0.10},
    "un-entity": {"programmatic": 0.62, "advocacy": 0.28, "policy": 0.05, "financial": 0.05},
    "philanthropy": {"programmatic": 0.40, "advocacy": 0.10, "policy": 0.00, "financial": 0.50},
    "other": {"programmatic": 0.55, "advocacy": 0.35, "policy": 0.05, "financial": 0.05},
}
SECOND_TYPE_SHARE = 0.22
#: Share of non-financial pledges that still give an estimated value.
VALUED_NON_FINANCIAL_SHARE = 0.72

FOCUS_AREA_WEIGHTS: dict[str, float] = {"access": 0.45, "adoption": 0.30, "value-creation": 0.15, "accelerate": 0.10}
FOCUS_AREA_COUNT_WEIGHTS: dict[int, float] = {1: 0.50, 2: 0.35, 3: 0.15}
SDG_WEIGHTS: dict[int, float] = {
    9: 30,
    4: 18,
    10: 14,
    5: 10,
    17: 9,
    8: 8,
    1: 5,
    3: 4,
    11: 4,
    16: 3,
    13: 2,
    2: 1.5,
    7: 1.5,
    6: 0.5,
    12: 0.5,
    14: 0.3,
    15: 0.3,
}
SDG_COUNT_WEIGHTS: dict[int, float] = {0: 0.04, 1: 0.22, 2: 0.30, 3: 0.24, 4: 0.12, 5: 0.08}
#: Independent chance of each target group (women and girls in about half of the pledges).
TARGET_GROUP_SHARES: dict[str, float] = {
    "women-girls": 0.52,
    "youth": 0.40,
    "rural-communities": 0.35,
    "schools-students": 0.25,
    "smes": 0.18,
    "persons-disabilities": 0.15,
    "older-persons": 0.08,
    "indigenous-peoples": 0.06,
    "refugees-displaced": 0.06,
    "others": 0.04,
}
SCOPE_WEIGHTS: dict[str, float] = {"countries": 0.70, "regions": 0.18, "global": 0.12}
COUNTRY_COUNT_WEIGHTS: dict[int, float] = {
    1: 0.30,
    2: 0.18,
    3: 0.14,
    4: 0.10,
    5: 0.08,
    6: 0.06,
    8: 0.06,
    10: 0.04,
    15: 0.03,
    25: 0.01,
}
#: Beneficiary-country weight by income group, and multipliers for the UN groupings.
BENEFICIARY_INCOME_WEIGHTS: dict[str, float] = {"L": 2.0, "LM": 2.5, "UM": 2.0, "H": 0.6, "": 0.05}
LDC_FACTOR = 0.8
LLDC_FACTOR = 0.7
SIDS_FACTOR = 0.4
#: Chance that a government pledges (also) for its own country.
OWN_COUNTRY_SHARE = 0.75
PARTNER_COUNT_WEIGHTS: dict[int, float] = {0: 0.55, 1: 0.25, 2: 0.13, 3: 0.07}
PARTNER_ROLE_WEIGHTS: dict[str, float] = {"co_pledger": 0.40, "implementer": 0.40, "funder": 0.20}
TARGET_COUNT_WEIGHTS: dict[int, float] = {0: 0.35, 1: 0.30, 2: 0.20, 3: 0.15}
ADDITIONALITY_WEIGHTS: dict[str, float] = {"new": 0.55, "expanded": 0.30, "existing": 0.15}
SEEKING_PARTNERS_SHARE = 0.35
#: Chance that a pledge made close to an event was announced there.
EVENT_SHARE = 0.35

# (name, starts on, ends on, location, is a campaign); slugs get the demo prefix.
EVENTS: list[tuple[str, dt.date, dt.date | None, str, bool]] = [
    ("Digital Development Roundtable 2022", dt.date(2022, 6, 6), dt.date(2022, 6, 7), "Kigali", False),
    ("P2C Annual Meeting 2022", dt.date(2022, 9, 19), None, "New York", False),
    ("LDC Connectivity Campaign 2023", dt.date(2023, 3, 5), dt.date(2023, 6, 30), "Online", True),
    ("P2C Annual Meeting 2023", dt.date(2023, 9, 18), None, "New York", False),
    ("School Connectivity Campaign 2024", dt.date(2024, 3, 1), dt.date(2024, 5, 31), "Online", True),
    ("P2C Annual Meeting 2024", dt.date(2024, 9, 23), None, "New York", False),
    ("AI for Connectivity Campaign 2025", dt.date(2025, 5, 1), dt.date(2025, 7, 31), "Online", True),
    ("P2C Annual Meeting 2025", dt.date(2025, 9, 22), None, "New York", False),
    ("P2C Annual Meeting 2026", dt.date(2026, 9, 21), None, "New York", False),
]

# --- Texts --------------------------------------------------------------------------------------
#: Per focus area: (title template, what the lead commits to). ``{place}`` is where; ``{people}`` a
#: round number of people and ``{sites}`` a round number of schools, communities or businesses.
STORIES: dict[str, tuple[tuple[str, str], ...]] = {
    "access": (
        ("Connecting {sites} rural communities in {place}", "bring affordable broadband to rural communities"),
        ("Last-mile broadband for {place}", "extend reliable last-mile broadband to unconnected households"),
        (
            "Affordable smartphones for first-time users in {place}",
            "lower the cost of devices and data for first-time users",
        ),
        ("Solar-powered base stations for {place}", "deploy solar-powered mobile sites where the grid does not reach"),
        ("Extending the fibre backbone across {place}", "extend the national fibre backbone to district centres"),
        ("Satellite connectivity for {sites} remote schools in {place}", "connect remote schools by satellite"),
        ("Community networks for underserved areas of {place}", "help communities build and run their own networks"),
        ("Resilient networks and cybersecurity for {place}", "make networks resilient to outages and cyber attacks"),
    ),
    "adoption": (
        ("Digital skills for {people} women and girls in {place}", "close the gender gap in digital skills"),
        ("Digital literacy for {people} older persons in {place}", "give older persons the skills to go online safely"),
        (
            "Accessible digital services for persons with disabilities in {place}",
            "make digital services accessible to persons with disabilities",
        ),
        ("Local-language content hubs in {place}", "make relevant content available in local languages"),
        ("Training {sites} teachers in digital pedagogy in {place}", "train teachers to teach with digital tools"),
        ("Coding clubs for {people} young people in {place}", "teach young people to code and build"),
    ),
    "value-creation": (
        ("Start-up acceleration programme for {place}", "help start-ups grow into sustainable businesses"),
        (
            "Digital trade skills for {sites} small businesses in {place}",
            "help small businesses sell online and take digital payments",
        ),
        ("E-government services for citizens of {place}", "bring the most used public services online"),
        ("Open data for better connectivity policy in {place}", "build data-driven policy and regulation"),
        ("Digital jobs for {people} young graduates in {place}", "create digital jobs for young graduates"),
    ),
    "accelerate": (
        (
            "Blended-finance facility for rural broadband in {place}",
            "de-risk investment in rural networks through blended finance",
        ),
        (
            "Investment readiness for connectivity projects in {place}",
            "prepare bankable connectivity projects with local partners",
        ),
        ("Guarantee fund for last-mile operators in {place}", "guarantee loans to small last-mile operators"),
        (
            "Co-investment partnership for digital infrastructure in {place}",
            "mobilise private and public co-investment in digital infrastructure",
        ),
    ),
}
ACTIVITIES: dict[str, tuple[str, ...]] = {
    "access": (
        "Map coverage gaps with local authorities and communities",
        "Deploy solar-powered sites in villages without grid power",
        "Lay fibre to district centres and public institutions",
        "Offer entry-level data bundles below 2% of monthly income",
        "Finance smartphones through pay-as-you-go plans",
        "Train local technicians to maintain the network",
        "Run a cyber-resilience exercise with network operators",
    ),
    "adoption": (
        "Open community digital centres with free public access",
        "Train trainers who teach basic digital skills locally",
        "Publish learning material in local languages",
        "Make public websites meet accessibility guidelines",
        "Run mentoring programmes for women entering tech careers",
        "Equip schools with devices and teacher support",
    ),
    "value-creation": (
        "Select and coach start-ups through a six-month programme",
        "Help small businesses open online shops and take digital payments",
        "Digitise the most used public services",
        "Set up an open data portal on connectivity",
        "Review regulation with industry and civil society",
    ),
    "accelerate": (
        "Set up a first-loss tranche to attract commercial lenders",
        "Prepare feasibility studies for rural network projects",
        "Convene investors, operators and governments twice a year",
        "Publish a pipeline of investable connectivity projects",
    ),
}
#: (indicator, unit, smallest target, largest target, decreasing) per focus area.
INDICATORS: dict[str, tuple[tuple[str, str, int, int, bool], ...]] = {
    "access": (
        ("People newly covered by mobile broadband", "people", 10_000, 5_000_000, False),
        ("Schools connected to the internet", "schools", 20, 5_000, False),
        ("Fibre deployed", "km", 50, 20_000, False),
        ("New mobile sites", "sites", 10, 3_000, False),
        ("Households with an affordable broadband plan", "households", 1_000, 1_000_000, False),
        ("Price of 1 GB of mobile data", "% of monthly income", 2, 6, True),
    ),
    "adoption": (
        ("People trained in basic digital skills", "people", 500, 1_000_000, False),
        ("Women trained in digital skills", "women", 200, 500_000, False),
        ("Teachers trained", "teachers", 50, 50_000, False),
        ("Public access points opened", "access points", 5, 2_000, False),
        ("Services available in local languages", "services", 3, 200, False),
    ),
    "value-creation": (
        ("Start-ups supported", "start-ups", 10, 2_000, False),
        ("Small businesses selling online", "SMEs", 100, 100_000, False),
        ("Government services available online", "services", 5, 500, False),
        ("Digital jobs created", "jobs", 100, 50_000, False),
    ),
    "accelerate": (
        ("Investment mobilised", "USD million", 5, 2_000, False),
        ("Projects reaching financial close", "projects", 2, 100, False),
        ("Co-investors joining", "partners", 2, 50, False),
    ),
}
#: Round numbers used in titles ("Connecting 1,200 rural communities …", "… for 20,000 women …").
TITLE_SITES = (50, 100, 200, 250, 500, 800, 1_000, 1_200, 2_000, 5_000)
TITLE_PEOPLE = (1_000, 2_500, 5_000, 10_000, 20_000, 50_000, 100_000, 250_000, 1_000_000)
#: Global pledges are "for" one of these places.
GLOBAL_PLACES = (
    "developing countries worldwide",
    "underserved communities worldwide",
    "low- and middle-income countries",
    "the least developed countries",
)
