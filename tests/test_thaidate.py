"""Buddhist Era dates: Thai digits, Thai month names, and parsing the forms people write."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policydiff.thaidate import (
    arabic_digits,
    parse_date,
    thai_digits,
    to_be_english,
    to_be_long,
    to_be_short,
)


def test_digits_convert_both_ways_and_leave_other_text_alone():
    assert thai_digits("ข้อ 15 วรรค 2") == "ข้อ ๑๕ วรรค ๒"
    assert arabic_digits("ข้อ ๑๕ วรรค ๒") == "ข้อ 15 วรรค 2"
    assert thai_digits("0123456789") == "๐๑๒๓๔๕๖๗๘๙"
    assert arabic_digits("๐๑๒๓๔๕๖๗๘๙") == "0123456789"


@pytest.mark.parametrize(
    "iso, long, short",
    [
        ("2009-08-19", "๑๙ สิงหาคม ๒๕๕๒", "๑๙ ส.ค. ๒๕๕๒"),
        ("2017-04-06", "๖ เมษายน ๒๕๖๐", "๖ เม.ย. ๒๕๖๐"),  # constitution promulgated
        ("2020-02-29", "๒๙ กุมภาพันธ์ ๒๕๖๓", "๒๙ ก.พ. ๒๕๖๓"),
        ("1999-12-31", "๓๑ ธันวาคม ๒๕๔๒", "๓๑ ธ.ค. ๒๕๔๒"),
        ("2024-01-01", "๑ มกราคม ๒๕๖๗", "๑ ม.ค. ๒๕๖๗"),
        ("2019-07-10", "๑๐ กรกฎาคม ๒๕๖๒", "๑๐ ก.ค. ๒๕๖๒"),
    ],
)
def test_iso_dates_read_as_buddhist_era_long_and_short(iso, long, short):
    assert to_be_long(iso) == long
    assert to_be_short(iso) == short
    assert parse_date(long) == iso
    assert parse_date(short) == iso


def test_buddhist_era_in_english_for_the_english_interface():
    assert to_be_english("2009-08-19") == "19 August B.E. 2552"
    assert to_be_english(dt.date(2017, 4, 6), short=True) == "6 Apr B.E. 2560"
    assert to_be_english("2009-09-01", short=True) == "1 Sep B.E. 2552"


def test_buddhist_era_with_arabic_digits_on_request():
    assert to_be_long("2009-08-19", arabic=True) == "19 สิงหาคม 2552"
    assert to_be_short(dt.date(2009, 8, 19), arabic=True) == "19 ส.ค. 2552"


def test_a_datetime_formats_as_its_date():
    assert to_be_long("2009-08-19T23:30:00+07:00") == "๑๙ สิงหาคม ๒๕๕๒"
    assert to_be_long(dt.datetime(2009, 8, 19, 23, 30)) == "๑๙ สิงหาคม ๒๕๕๒"


@pytest.mark.parametrize(
    "text",
    [
        "2009-08-19",
        "2009-08-19T10:15:00",
        "2009-08-19T10:15:00Z",
        "2009-08-19T23:59:59+07:00",
        "2009-08-19 10:15",
        "๑๙ สิงหาคม ๒๕๕๒",
        "19 สิงหาคม 2552",
        "๑๙ สิงหาคม พ.ศ. ๒๕๕๒",
        "วันที่ ๑๙ สิงหาคม พ.ศ. ๒๕๕๒",
        "19 ส.ค. 2552",
        "19 ส.ค.2552",
        "19 สค 2552",
        "19/8/2552",
        "19/08/2552",
        "๑๙/๘/๒๕๕๒",
        "19-8-2552",
        "19/8/2009",
        "19 สิงหาคม ค.ศ. 2009",
        "  ๑๙\u00a0สิงหาคม  ๒๕๕๒ ",
    ],
)
def test_every_accepted_form_of_19_august_2009(text):
    assert parse_date(text) == "2009-08-19"


def test_the_common_misspelling_of_july_is_accepted():
    assert parse_date("๑๐ กรกฏาคม ๒๕๖๒") == "2019-07-10"


def test_an_explicit_be_marker_wins_over_the_year_threshold():
    # พ.ศ. 2300 is 1757 C.E.: unusual, but the marker says B.E.
    assert parse_date("1 มกราคม พ.ศ. 2300") == "1757-01-01"
    assert parse_date("1 มกราคม 2300") == "2300-01-01"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "yesterday",
        "2009-02-30",
        "30 กุมภาพันธ์ 2552",
        "29 ก.พ. 2552",  # 2009 is not a leap year
        "19 สิงหา 2552",
        "19/13/2552",
        "19/8/52",  # two-digit years are ambiguous
        "2009/08/19",
        "19 August 2009",
        "2009-08-19T25:00",
    ],
)
def test_what_is_not_a_date_raises_value_error(text):
    with pytest.raises(ValueError):
        parse_date(text)


def test_a_value_error_names_the_text():
    with pytest.raises(ValueError, match="unknown month name 'สิงหา'"):
        parse_date("19 สิงหา 2552")
    with pytest.raises(ValueError, match=r"not a real date: '29 ก.พ. 2552'"):
        parse_date("29 ก.พ. 2552")


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2400, 12, 31)))
def test_long_and_short_forms_parse_back_to_the_same_date(day):
    iso = day.isoformat()
    assert parse_date(to_be_long(iso)) == iso
    assert parse_date(to_be_short(iso)) == iso
    assert parse_date(to_be_long(iso, arabic=True)) == iso
