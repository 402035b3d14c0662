"""The reference data files under ``geo/data/``: where each comes from, and how it is read and checked.

Every list the platform uses to group countries is a plain CSV file in ``data/``, one per source,
so that a change to a list is a reviewable diff. ``SOURCES`` below is the single place that says
where each file comes from (organisation, URL, date, licence) and how many rows it must have;
``services.reference_data_load()`` copies that provenance into ``ReferenceList`` rows.

Reading is strict: a file with an unexpected header, an unknown ISO code, a duplicate, a value
outside its vocabulary or a row count other than the pinned one is refused with an error that
names the file and the line. Nothing here touches the database. See ``docs/data-sources.md``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

# --- Provenance --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """One reference list: its data file, its provenance and the number of rows the file must hold."""

    code: str
    name: str
    as_of: date
    source: str
    url: str
    licence: str
    filename: str
    columns: tuple[str, ...]
    rows: int

    def path(self, data_dir: Path | None = None) -> Path:
        """Where this source's data file lives (``data_dir`` overrides the packaged ``data/``)."""
        return (data_dir or DATA_DIR) / self.filename


PYCOUNTRY_VERSION = "26.2.16"

ISO3166 = Source(
    code="iso3166-1",
    name="ISO 3166-1 country codes",
    as_of=date(2026, 2, 16),
    source=(
        f"ISO 3166 Maintenance Agency, as shipped by the pycountry package {PYCOUNTRY_VERSION} (Debian iso-codes data)"
    ),
    url="https://www.iso.org/iso-3166-country-codes.html",
    licence="pycountry and iso-codes: LGPL-2.1; the codes themselves are free to use",
    filename="iso3166.csv",
    columns=("iso2", "iso3", "numeric", "name", "iso_name"),
    rows=249,
)
M49 = Source(
    code="m49",
    name="UN M49 regions, sub-regions and intermediate regions",
    as_of=date(2025, 6, 30),
    source="United Nations Statistics Division (UNSD), Standard country or area codes for statistical use (M49)",
    url="https://unstats.un.org/unsd/methodology/m49/overview/",
    licence="UN data: free to copy and redistribute with attribution to UNSD",
    filename="m49.csv",
    columns=(
        "iso3",
        "m49_code",
        "country_or_area",
        "region_code",
        "region_name",
        "subregion_code",
        "subregion_name",
        "intermediate_code",
        "intermediate_name",
    ),
    rows=248,
)
ITU_REGIONS = Source(
    code="itu-regions",
    name="ITU-D regions (ITU Member States)",
    as_of=date(2025, 6, 30),
    source="International Telecommunication Union, Telecommunication Development Bureau (BDT)",
    url="https://www.itu.int/en/ITU-D/Statistics/Pages/definitions/regions.aspx",
    licence="Factual list; ITU website terms of use apply",
    filename="itu_regions.csv",
    columns=("iso3", "name", "itu_region"),
    rows=193,
)
LDC = Source(
    code="ldc",
    name="Least Developed Countries (LDCs)",
    as_of=date(2024, 12, 13),
    source="United Nations, Committee for Development Policy / UN DESA (list as of the graduation of "
    "São Tomé and Príncipe, 13 December 2024)",
    url="https://www.un.org/development/desa/dpad/least-developed-country-category/ldcs-at-a-glance.html",
    licence="UN terms of use: free to reproduce with attribution",
    filename="ldc.csv",
    columns=("iso3", "name"),
    rows=44,
)
LLDC = Source(
    code="lldc",
    name="Landlocked Developing Countries (LLDCs)",
    as_of=date(2025, 6, 30),
    source="UN Office of the High Representative for the Least Developed Countries, Landlocked Developing "
    "Countries and Small Island Developing States (UN-OHRLLS)",
    url="https://www.un.org/ohrlls/content/list-lldcs",
    licence="UN terms of use: free to reproduce with attribution",
    filename="lldc.csv",
    columns=("iso3", "name"),
    rows=32,
)
SIDS = Source(
    code="sids",
    name="Small Island Developing States (SIDS)",
    as_of=date(2025, 6, 30),
    source="UN-OHRLLS list of SIDS: 38 UN Member States and 20 non-UN Members / Associate Members of the UN "
    "Regional Commissions",
    url="https://www.un.org/ohrlls/content/list-sids",
    licence="UN terms of use: free to reproduce with attribution",
    filename="sids.csv",
    columns=("iso3", "name", "status"),
    rows=58,
)
INCOME_GROUPS = Source(
    code="income-groups",
    name="World Bank income groups, FY2026",
    as_of=date(2025, 7, 1),
    source="World Bank, country classification by income level for FY2026 (1 July 2025 – 30 June 2026), "
    "based on 2024 GNI per capita (Atlas method)",
    url="https://datahelpdesk.worldbank.org/knowledgebase/articles/906519-world-bank-country-and-lending-groups",
    licence="CC BY 4.0 (World Bank terms of use for datasets)",
    filename="income_groups.csv",
    columns=("iso3", "name", "income_group"),
    rows=216,
)

SOURCES: dict[str, Source] = {s.code: s for s in (ISO3166, M49, ITU_REGIONS, LDC, LLDC, SIDS, INCOME_GROUPS)}

# --- Vocabularies ------------------------------------------------------------------------------

ITU_REGION_NAMES: dict[str, str] = {
    "africa": "Africa",
    "americas": "Americas",
    "arab-states": "Arab States",
    "asia-pacific": "Asia & Pacific",
    "cis": "CIS",
    "europe": "Europe",
}
SIDS_STATUSES = ("member", "associate")
INCOME_GROUP_CODES = ("L", "LM", "UM", "H")

# Display names: pycountry's ``common_name`` where it has one (``Bolivia``, ``Tanzania``, ``Viet Nam`` →
# ``Vietnam``), else its ``name`` (the ISO 3166-1 English short name), except for these. The first five turn
# ISO's inverted catalogue forms into the names the UN uses; Taiwan keeps its ISO 3166-1 short name rather
# than pycountry's ``common_name``, following UN-system usage.
NAME_OVERRIDES: dict[str, str] = {
    "CD": "Democratic Republic of the Congo",
    "FM": "Micronesia (Federated States of)",
    "PS": "State of Palestine",
    "VG": "British Virgin Islands",
    "VI": "United States Virgin Islands",
    "TW": "Taiwan, Province of China",
}

# --- Reading -----------------------------------------------------------------------------------


class ReferenceDataError(ValueError):
    """A reference data file is malformed or disagrees with the rest; the message names file and line."""

    def __init__(self, filename: str, line: int | None, message: str) -> None:
        self.filename = filename
        self.line = line
        where = f"{filename}, line {line}" if line is not None else filename
        super().__init__(f"{where}: {message}")


@dataclass
class CountryRecord:
    """Everything the data files say about one country, keyed by ISO alpha-3."""

    iso2: str
    iso3: str
    numeric: str
    name: str
    m49_region: str = ""
    m49_subregion: str = ""
    m49_intermediate_region: str = ""
    itu_region: str = ""
    income_group: str = ""
    is_ldc: bool = False
    is_lldc: bool = False
    sids_status: str = ""


@dataclass
class ReferenceData:
    """The parsed and cross-checked content of all data files."""

    countries: dict[str, CountryRecord]
    regions: dict[tuple[str, str], str]  # (Region.Kind value, code) -> name
    member_counts: dict[str, int] = field(default_factory=dict)  # source code -> members


_ISO2 = re.compile(r"[A-Z]{2}")
_ISO3 = re.compile(r"[A-Z]{3}")
_NUMERIC = re.compile(r"[0-9]{3}")


def _rows(source: Source, data_dir: Path | None) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) from a source's CSV file after checking its header and row count."""
    path = source.path(data_dir)
    if not path.exists():
        raise ReferenceDataError(source.filename, None, "file not found")
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None or tuple(header) != source.columns:
            raise ReferenceDataError(
                source.filename, 1, f"header must be {','.join(source.columns)!r}; got {','.join(header or [])!r}"
            )
        rows: list[tuple[int, dict[str, str]]] = []
        for values in reader:
            line = reader.line_num
            if not values or all(not v.strip() for v in values):
                continue
            if len(values) != len(source.columns):
                raise ReferenceDataError(
                    source.filename, line, f"expected {len(source.columns)} fields, found {len(values)}"
                )
            rows.append((line, {c: v.strip() for c, v in zip(source.columns, values, strict=True)}))
    if len(rows) != source.rows:
        raise ReferenceDataError(
            source.filename,
            None,
            f"expected {source.rows} rows, found {len(rows)}; if the list really changed, update the pinned "
            f"count in p2c.geo.reference.SOURCES and docs/data-sources.md",
        )
    yield from rows


def _keyed_rows(
    source: Source, data_dir: Path | None, countries: dict[str, CountryRecord]
) -> Iterator[tuple[int, dict[str, str], CountryRecord]]:
    """Yield (line, row, country) for a list file keyed by ``iso3``; refuse unknown and duplicate codes."""
    seen: dict[str, int] = {}
    for line, row in _rows(source, data_dir):
        iso3 = row["iso3"]
        country = countries.get(iso3)
        if country is None:
            raise ReferenceDataError(source.filename, line, f"unknown ISO 3166-1 alpha-3 code {iso3!r}")
        if iso3 in seen:
            raise ReferenceDataError(source.filename, line, f"{iso3} already listed on line {seen[iso3]}")
        seen[iso3] = line
        yield line, row, country


def _read_iso3166(data_dir: Path | None) -> dict[str, CountryRecord]:
    countries: dict[str, CountryRecord] = {}
    seen: dict[str, int] = {}
    for line, row in _rows(ISO3166, data_dir):
        checks = ((_ISO2, "iso2"), (_ISO3, "iso3"), (_NUMERIC, "numeric"))
        for pattern, column in checks:
            if not pattern.fullmatch(row[column]):
                raise ReferenceDataError(ISO3166.filename, line, f"malformed {column} {row[column]!r}")
            key = f"{column}:{row[column]}"
            if key in seen:
                raise ReferenceDataError(
                    ISO3166.filename, line, f"{column} {row[column]} already used on line {seen[key]}"
                )
            seen[key] = line
        if not row["name"]:
            raise ReferenceDataError(ISO3166.filename, line, "name is empty")
        countries[row["iso3"]] = CountryRecord(
            iso2=row["iso2"], iso3=row["iso3"], numeric=row["numeric"], name=row["name"]
        )
    return countries


def _check_region_name(
    regions: dict[tuple[str, str], str], kind: str, code: str, name: str, filename: str, line: int
) -> None:
    """Record a region's name, refusing a code that another row names differently."""
    if not _NUMERIC.fullmatch(code):
        raise ReferenceDataError(filename, line, f"malformed M49 code {code!r}")
    if not name:
        raise ReferenceDataError(filename, line, f"M49 code {code} has no name")
    known = regions.setdefault((kind, code), name)
    if known != name:
        raise ReferenceDataError(filename, line, f"M49 code {code} is named {name!r} here but {known!r} above")


def _read_m49(data_dir: Path | None, countries: dict[str, CountryRecord], regions: dict[tuple[str, str], str]) -> int:
    parents: dict[str, str] = {}  # child code -> parent code, to keep the hierarchy consistent
    members = 0
    for line, row, country in _keyed_rows(M49, data_dir, countries):
        if row["m49_code"] != country.numeric:
            raise ReferenceDataError(
                M49.filename, line, f"M49 code {row['m49_code']} differs from ISO numeric {country.numeric}"
            )
        levels = (
            ("m49_region", "region_code", "region_name"),
            ("m49_subregion", "subregion_code", "subregion_name"),
            ("m49_intermediate", "intermediate_code", "intermediate_name"),
        )
        codes: list[str] = []
        for kind, code_column, name_column in levels:
            code, name = row[code_column], row[name_column]
            if not code:
                if name:
                    raise ReferenceDataError(M49.filename, line, f"{name_column} given without {code_column}")
                codes.append("")
                continue
            _check_region_name(regions, kind, code, name, M49.filename, line)
            codes.append(code)
        region, subregion, intermediate = codes
        if (subregion and not region) or (intermediate and not subregion) or (region and not subregion):
            raise ReferenceDataError(M49.filename, line, "a region needs a sub-region; an intermediate region both")
        for child, parent in ((subregion, region), (intermediate, subregion)):
            if child and parents.setdefault(child, parent) != parent:
                raise ReferenceDataError(M49.filename, line, f"M49 code {child} placed under two parents")
        country.m49_region, country.m49_subregion, country.m49_intermediate_region = region, subregion, intermediate
        members += bool(region)
    return members


def _read_itu(data_dir: Path | None, countries: dict[str, CountryRecord], regions: dict[tuple[str, str], str]) -> int:
    members = 0
    for line, row, country in _keyed_rows(ITU_REGIONS, data_dir, countries):
        slug = row["itu_region"]
        if slug not in ITU_REGION_NAMES:
            raise ReferenceDataError(
                ITU_REGIONS.filename, line, f"unknown ITU region {slug!r}; one of {', '.join(ITU_REGION_NAMES)}"
            )
        regions[("itu_region", slug)] = ITU_REGION_NAMES[slug]
        country.itu_region = slug
        members += 1
    return members


def read_reference_data(data_dir: Path | None = None) -> ReferenceData:
    """Read and cross-check every data file; raise ``ReferenceDataError`` on the first problem found."""
    countries = _read_iso3166(data_dir)
    regions: dict[tuple[str, str], str] = {}
    counts = {ISO3166.code: len(countries)}
    counts[M49.code] = _read_m49(data_dir, countries, regions)
    counts[ITU_REGIONS.code] = _read_itu(data_dir, countries, regions)
    for source, attribute in ((LDC, "is_ldc"), (LLDC, "is_lldc")):
        counts[source.code] = 0
        for _line, _row, country in _keyed_rows(source, data_dir, countries):
            setattr(country, attribute, True)
            counts[source.code] += 1
    counts[SIDS.code] = 0
    for line, row, country in _keyed_rows(SIDS, data_dir, countries):
        if row["status"] not in SIDS_STATUSES:
            raise ReferenceDataError(
                SIDS.filename, line, f"status must be one of {', '.join(SIDS_STATUSES)}; got {row['status']!r}"
            )
        country.sids_status = row["status"]
        counts[SIDS.code] += 1
    counts[INCOME_GROUPS.code] = 0
    for line, row, country in _keyed_rows(INCOME_GROUPS, data_dir, countries):
        group = row["income_group"]
        if group and group not in INCOME_GROUP_CODES:
            raise ReferenceDataError(
                INCOME_GROUPS.filename,
                line,
                f"income_group must be one of {', '.join(INCOME_GROUP_CODES)} or empty (unclassified); got {group!r}",
            )
        country.income_group = group
        counts[INCOME_GROUPS.code] += bool(group)
    return ReferenceData(countries=countries, regions=regions, member_counts=counts)


# --- Maintenance: regenerating iso3166.csv from pycountry ---------------------------------------


def iso3166_rows_from_pycountry() -> list[dict[str, str]]:
    """The rows ``iso3166.csv`` should hold according to the installed pycountry, sorted by alpha-2."""
    import pycountry

    rows = []
    for entry in pycountry.countries:
        iso2 = entry.alpha_2
        name = NAME_OVERRIDES.get(iso2) or getattr(entry, "common_name", None) or entry.name
        rows.append(
            {"iso2": iso2, "iso3": entry.alpha_3, "numeric": entry.numeric, "name": name, "iso_name": entry.name}
        )
    return sorted(rows, key=lambda r: r["iso2"])


def write_iso3166_csv(path: Path | None = None) -> Path:
    """Rewrite ``iso3166.csv`` from the installed pycountry (run after upgrading pycountry, then review the diff)."""
    target = path or ISO3166.path()
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=ISO3166.columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(iso3166_rows_from_pycountry())
    return target


if __name__ == "__main__":  # pragma: no cover - maintenance entry point
    print(f"wrote {write_iso3166_csv()}")
