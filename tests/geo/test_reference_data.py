"""The reference data: pinned counts, spot checks, idempotent loading and clear errors for bad files."""

from __future__ import annotations

import csv
import shutil
import time
from importlib.metadata import version
from pathlib import Path

import pytest
from pytest_django import DjangoAssertNumQueries

from p2c.geo.models import Country, ReferenceList, Region
from p2c.geo.reference import (
    DATA_DIR,
    PYCOUNTRY_VERSION,
    SOURCES,
    ReferenceDataError,
    iso3166_rows_from_pycountry,
    read_reference_data,
)
from p2c.geo.services import reference_data_load

pytestmark = pytest.mark.django_db

M49_AFRICA, M49_ASIA, M49_EUROPE = "002", "142", "150"


def country(iso2: str) -> Country:
    return Country.objects.select_related("m49_region", "m49_subregion", "m49_intermediate_region", "itu_region").get(
        iso2=iso2
    )


def code_of(region: Region | None) -> str | None:
    return region.code if region else None


def name_of(region: Region | None) -> str | None:
    return region.name if region else None


def table_sizes() -> tuple[int, int, int]:
    return Country.objects.count(), Region.objects.count(), ReferenceList.objects.count()


# --- Pinned counts ------------------------------------------------------------------------------


def test_every_iso_3166_country_is_loaded() -> None:
    assert Country.objects.count() == 249
    assert not Country.objects.filter(iso2="XK").exists()  # Kosovo has no ISO 3166-1 code


def test_un_groupings_have_their_published_sizes() -> None:
    assert Country.objects.filter(is_ldc=True).count() == 44
    assert Country.objects.filter(is_lldc=True).count() == 32
    assert Country.objects.filter(is_sids=True).count() == 58
    assert Country.objects.filter(sids_status=Country.SidsStatus.UN_MEMBER).count() == 38
    assert Country.objects.filter(sids_status=Country.SidsStatus.ASSOCIATE).count() == 20
    assert not Country.objects.filter(is_sids=True, sids_status="").exists()
    assert not Country.objects.filter(is_sids=False).exclude(sids_status="").exists()


def test_itu_regions_cover_the_193_member_states() -> None:
    sizes = {r.code: Country.objects.filter(itu_region=r).count() for r in Region.objects.filter(kind="itu_region")}
    assert sizes == {"africa": 44, "americas": 35, "arab-states": 21, "asia-pacific": 38, "cis": 9, "europe": 46}
    assert sum(sizes.values()) == 193
    assert code_of(country("VA").itu_region) == "europe"  # the Holy See is an ITU Member State
    assert country("PW").itu_region is None  # Palau is a UN member but not an ITU Member State
    assert country("PR").itu_region is None  # territories belong to no ITU region


def test_m49_hierarchy_has_the_unsd_regions() -> None:
    by_kind = {kind: Region.objects.filter(kind=kind).count() for kind, _ in Region.Kind.choices}
    assert by_kind == {"m49_region": 5, "m49_subregion": 17, "m49_intermediate": 8, "itu_region": 6}
    assert Country.objects.filter(m49_region__isnull=False).count() == 247
    assert set(Country.objects.filter(m49_region__isnull=True).values_list("iso2", flat=True)) == {"AQ", "TW"}
    assert not Country.objects.filter(m49_region__isnull=False, m49_subregion__isnull=True).exists()


def test_income_groups_are_the_world_bank_fy2026_classification() -> None:
    sizes = {g: Country.objects.filter(income_group=g).count() for g in ("L", "LM", "UM", "H")}
    # 26 / 50 / 54 / 87 economies; Kosovo (UM) and the Channel Islands (H) have no ISO 3166-1 code.
    assert sizes == {"L": 26, "LM": 50, "UM": 53, "H": 86}
    assert country("VE").income_group == ""  # unclassified since 2021 for lack of data
    assert country("CR").income_group == "H"  # moved up in July 2025
    assert country("NA").income_group == "LM"  # moved down in July 2025


# --- Spot checks --------------------------------------------------------------------------------


def test_nepal_is_ldc_and_lldc() -> None:
    nepal = country("NP")
    assert (nepal.is_ldc, nepal.is_lldc, nepal.is_sids) == (True, True, False)


def test_fiji_is_a_sids_member() -> None:
    fiji = country("FJ")
    assert fiji.is_sids and fiji.sids_status == "member"
    assert name_of(fiji.m49_subregion) == "Melanesia"


def test_bolivia_is_lldc_not_ldc() -> None:
    bolivia = country("BO")
    assert bolivia.name == "Bolivia"
    assert (bolivia.is_lldc, bolivia.is_ldc) == (True, False)


def test_bhutan_graduated_from_ldc_in_2023_but_stays_lldc() -> None:
    bhutan = country("BT")
    assert (bhutan.is_lldc, bhutan.is_ldc) == (True, False)


def test_sao_tome_and_principe_is_sids_and_graduated_from_ldc() -> None:
    stp = country("ST")
    assert (stp.is_sids, stp.is_ldc) == (True, False)


def test_ethiopia_is_ldc_lldc_in_itu_africa() -> None:
    ethiopia = country("ET")
    assert (ethiopia.is_ldc, ethiopia.is_lldc) == (True, True)
    assert name_of(ethiopia.itu_region) == "Africa"
    assert name_of(ethiopia.m49_intermediate_region) == "Eastern Africa"


def test_egypt_is_itu_arab_states_and_m49_northern_africa() -> None:
    egypt = country("EG")
    assert name_of(egypt.itu_region) == "Arab States"
    assert (code_of(egypt.m49_region), name_of(egypt.m49_region)) == (M49_AFRICA, "Africa")
    assert (code_of(egypt.m49_subregion), name_of(egypt.m49_subregion)) == ("015", "Northern Africa")
    assert egypt.m49_intermediate_region is None


def test_kazakhstan_is_itu_cis_and_lldc() -> None:
    kazakhstan = country("KZ")
    assert code_of(kazakhstan.itu_region) == "cis"
    assert kazakhstan.is_lldc and not kazakhstan.is_ldc
    assert name_of(kazakhstan.m49_subregion) == "Central Asia"


def test_france_is_europe_and_high_income() -> None:
    france = country("FR")
    assert code_of(france.m49_region) == M49_EUROPE
    assert code_of(france.itu_region) == "europe"
    assert france.income_group == Country.IncomeGroup.HIGH


def test_india_is_lower_middle_income() -> None:
    india = country("IN")
    assert india.income_group == Country.IncomeGroup.LOWER_MIDDLE
    assert code_of(india.m49_region) == M49_ASIA


def test_every_ldc_has_an_m49_region_and_an_itu_region() -> None:
    assert not Country.objects.filter(is_ldc=True, m49_region__isnull=True).exists()
    assert not Country.objects.filter(is_ldc=True, itu_region__isnull=True).exists()
    assert not Country.objects.filter(is_ldc=True, income_group="").exists()


def test_channel_islands_are_an_intermediate_region_of_northern_europe() -> None:
    assert name_of(country("JE").m49_intermediate_region) == "Channel Islands"
    assert name_of(country("GG").m49_subregion) == "Northern Europe"


def test_display_names_use_common_names_and_un_forms() -> None:
    names = dict(Country.objects.filter(iso2__in=["TZ", "CD", "PS", "VG", "TW"]).values_list("iso2", "name"))
    assert names == {
        "TZ": "Tanzania",
        "CD": "Democratic Republic of the Congo",
        "PS": "State of Palestine",
        "VG": "British Virgin Islands",
        "TW": "Taiwan, Province of China",
    }


# --- Provenance ---------------------------------------------------------------------------------


def test_each_source_is_recorded_with_its_provenance() -> None:
    lists = ReferenceList.objects.in_bulk()
    assert set(lists) == set(SOURCES)
    for code, source in SOURCES.items():
        row = lists[code]
        assert (row.name, row.as_of, row.url, row.licence) == (source.name, source.as_of, source.url, source.licence)
        assert row.source and row.url.startswith("https://")
    members = {code: row.member_count for code, row in lists.items()}
    assert members == {
        "iso3166-1": 249,
        "m49": 247,
        "itu-regions": 193,
        "ldc": 44,
        "lldc": 32,
        "sids": 58,
        "income-groups": 215,
    }


def test_iso_file_matches_the_installed_pycountry() -> None:
    """After upgrading pycountry, run ``python -m p2c.geo.reference`` and review the diff."""
    with SOURCES["iso3166-1"].path().open(encoding="utf-8", newline="") as handle:
        assert list(csv.DictReader(handle)) == iso3166_rows_from_pycountry()


def test_pycountry_version_in_the_provenance_is_the_installed_one() -> None:
    assert version("pycountry") == PYCOUNTRY_VERSION


# --- Loading ------------------------------------------------------------------------------------


def test_loading_again_changes_nothing(django_assert_max_num_queries: DjangoAssertNumQueries) -> None:
    before = table_sizes()
    stamps = dict(ReferenceList.objects.values_list("code", "loaded_at"))
    with django_assert_max_num_queries(6):
        counts = reference_data_load()
    assert (counts["created"], counts["updated"]) == (0, 0)
    assert counts["countries"] == 249 and counts["ldc"] == 44 and counts["lldc"] == 32 and counts["sids"] == 58
    assert table_sizes() == before
    assert dict(ReferenceList.objects.values_list("code", "loaded_at")) == stamps
    assert reference_data_load() == counts


def test_loading_restores_changed_values() -> None:
    Country.objects.filter(iso2="FR").update(name="Gaul", income_group="L", is_ldc=True, itu_region=None)
    Region.objects.filter(kind="m49_region", code=M49_AFRICA).update(name="Afrique")
    ReferenceList.objects.filter(code="ldc").update(member_count=1)
    counts = reference_data_load()
    assert (counts["created"], counts["updated"]) == (0, 3)
    france = country("FR")
    assert (france.name, france.income_group, france.is_ldc, code_of(france.itu_region)) == (
        "France",
        "H",
        False,
        "europe",
    )
    assert Region.objects.get(kind="m49_region", code=M49_AFRICA).name == "Africa"
    assert ReferenceList.objects.get(code="ldc").member_count == 44


def test_loading_into_an_empty_database_is_fast() -> None:
    Country.objects.all().delete()
    Region.objects.all().delete()
    ReferenceList.objects.all().delete()
    started = time.perf_counter()
    counts = reference_data_load()
    elapsed = time.perf_counter() - started
    assert counts["created"] == 249 + 36 + 7
    assert table_sizes() == (249, 36, 7)
    assert elapsed < 2.0, f"reference_data_load() took {elapsed:.2f}s"


# --- Errors in data files -----------------------------------------------------------------------


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A writable copy of the packaged data files."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def append(path: Path, line: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_packaged_files_read_cleanly() -> None:
    data = read_reference_data()
    assert len(data.countries) == 249


def test_an_unknown_code_is_reported_with_file_and_line(data_dir: Path) -> None:
    replace(data_dir / "ldc.csv", "NPL,Nepal", "NPX,Nepal")
    line = next(n for n, text in enumerate((data_dir / "ldc.csv").read_text().splitlines(), 1) if "NPX" in text)
    with pytest.raises(ReferenceDataError, match=rf"^ldc\.csv, line {line}: unknown ISO 3166-1 alpha-3 code 'NPX'"):
        reference_data_load(data_dir=data_dir)


def test_a_bad_file_leaves_the_database_untouched(data_dir: Path) -> None:
    replace(data_dir / "income_groups.csv", "FRA,France,H", "FRA,France,X")
    before = dict(Country.objects.values_list("iso2", "income_group"))
    with pytest.raises(ReferenceDataError, match=r"income_groups\.csv, line \d+: income_group must be one of"):
        reference_data_load(data_dir=data_dir)
    assert dict(Country.objects.values_list("iso2", "income_group")) == before


def test_a_duplicate_is_refused(data_dir: Path) -> None:
    replace(data_dir / "lldc.csv", "NPL,Nepal", "BOL,Bolivia (Plurinational State of)")
    with pytest.raises(ReferenceDataError, match=r"lldc\.csv, line \d+: BOL already listed on line \d+"):
        read_reference_data(data_dir)


def test_a_changed_list_size_must_be_pinned(data_dir: Path) -> None:
    append(data_dir / "ldc.csv", "BTN,Bhutan")
    with pytest.raises(ReferenceDataError, match=r"^ldc\.csv: expected 44 rows, found 45"):
        read_reference_data(data_dir)


def test_a_wrong_header_is_refused(data_dir: Path) -> None:
    replace(data_dir / "sids.csv", "iso3,name,status", "iso,name,status")
    with pytest.raises(ReferenceDataError, match=r"^sids\.csv, line 1: header must be"):
        read_reference_data(data_dir)


def test_an_unknown_itu_region_is_refused(data_dir: Path) -> None:
    replace(data_dir / "itu_regions.csv", "KAZ,Kazakhstan,cis", "KAZ,Kazakhstan,central-asia")
    with pytest.raises(ReferenceDataError, match=r"itu_regions\.csv, line \d+: unknown ITU region 'central-asia'"):
        read_reference_data(data_dir)


def test_inconsistent_m49_names_are_refused(data_dir: Path) -> None:
    replace(data_dir / "m49.csv", "EGY,818,Egypt,002,Africa", "EGY,818,Egypt,002,Afrika")
    with pytest.raises(ReferenceDataError, match=r"m49\.csv, line \d+: M49 code 002 is named 'Afrika'"):
        read_reference_data(data_dir)


def test_an_m49_code_must_match_the_iso_numeric_code(data_dir: Path) -> None:
    replace(data_dir / "m49.csv", "EGY,818,", "EGY,819,")
    with pytest.raises(ReferenceDataError, match=r"m49\.csv, line \d+: M49 code 819 differs from ISO numeric 818"):
        read_reference_data(data_dir)


def test_a_missing_file_is_named(data_dir: Path) -> None:
    (data_dir / "lldc.csv").unlink()
    with pytest.raises(ReferenceDataError, match=r"^lldc\.csv: file not found"):
        read_reference_data(data_dir)
