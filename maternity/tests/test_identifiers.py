import datetime

import pytest

from maternity.rules.identifiers import (
    NHS_NUMBER,
    NO_DNR,
    NO_FNR,
    NZ_NHI,
    SYSTEM_LABELS,
    InvalidIdentifier,
    NationalId,
    is_test_number,
    make_d_number,
    make_nhs_number,
    make_norwegian_fnr,
    parse_national_id,
)

# An independent implementation of the Norwegian check digits, straight from the reference weights, so
# tests can build numbers (including ones with impossible dates) without trusting the code under test.
K1_WEIGHTS = (3, 7, 6, 1, 8, 9, 4, 5, 2)
K2_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def _check(digits: str, weights: tuple[int, ...]) -> int | None:
    check = 11 - sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    return {11: 0, 10: None}.get(check, check)


def with_check_digits(first9: str) -> str | None:
    k1 = _check(first9, K1_WEIGHTS)
    if k1 is None:
        return None
    k2 = _check(first9 + str(k1), K2_WEIGHTS)
    if k2 is None:
        return None
    return f"{first9}{k1}{k2}"


def first_valid_number(date_part: str, individuals: range) -> str:
    for individual in individuals:
        number = with_check_digits(f"{date_part}{individual:03d}")
        if number is not None:
            return number
    raise AssertionError(f"no valid number for {date_part} in {individuals}")


def refusal(value: str, system: str | None = None) -> str:
    with pytest.raises(InvalidIdentifier) as excinfo:
        parse_national_id(value, system)
    return str(excinfo.value)


# --- general -----------------------------------------------------------------------------------------


def test_every_system_has_a_human_label():
    assert SYSTEM_LABELS == {
        NHS_NUMBER: "NHS number",
        NO_FNR: "Norwegian national identity number",
        NO_DNR: "Norwegian D-number",
        NZ_NHI: "New Zealand NHI",
    }


def test_invalid_identifier_is_a_value_error():
    assert issubclass(InvalidIdentifier, ValueError)


def test_unknown_system_is_refused_by_name():
    assert refusal("123", "urn:foo") == "unknown identifier system 'urn:foo'"


def test_fhir_token_form_names_the_system():
    nid = parse_national_id(f"{NO_FNR}|01018012371")

    assert nid == NationalId(system=NO_FNR, value="01018012371", birth_date=datetime.date(1980, 1, 1))


def test_fhir_token_with_unknown_system_is_refused():
    assert refusal("urn:foo|9434765919") == "unknown identifier system 'urn:foo'"


def test_fhir_token_with_empty_system_is_inferred():
    assert parse_national_id("|9434765919").system == NHS_NUMBER


def test_value_of_no_known_shape_is_refused():
    message = refusal("12345")

    assert message.startswith("cannot tell which identifier system '12345' belongs to")


def test_empty_value_is_refused():
    with pytest.raises(InvalidIdentifier):
        parse_national_id("")


# --- NHS number -----------------------------------------------------------------------------------------


def test_published_nhs_number_is_valid():
    assert parse_national_id("9434765919") == NationalId(NHS_NUMBER, "9434765919", None)


def test_nhs_number_with_wrong_check_digit_is_refused():
    assert refusal("9434765918") == "NHS number 9434765918 fails its check digit"


def test_nhs_number_whose_check_digit_would_be_ten_is_refused():
    # 9*10 + 9*9 + 9*8 = 243; 243 mod 11 = 1; 11 - 1 = 10: no valid check digit exists.
    for last in "0123456789":
        assert refusal(f"999000000{last}", NHS_NUMBER) == f"NHS number 999000000{last} fails its check digit"


@pytest.mark.parametrize("written", ["943 476 5919", "943-476-5919", " 9434765919 "])
def test_nhs_number_written_with_spaces_or_hyphens_is_normalised(written):
    assert parse_national_id(written).value == "9434765919"
    assert parse_national_id(written, NHS_NUMBER).value == "9434765919"


def test_nhs_number_of_wrong_length_is_refused_with_the_length():
    assert refusal("943476591", NHS_NUMBER) == "NHS number must be 10 digits, got 9"


def test_nhs_number_with_letters_is_refused():
    assert refusal("94347A5919", NHS_NUMBER) == "NHS number must contain only digits, got '94347A5919'"


def test_nhs_numbers_starting_999_are_test_numbers():
    assert is_test_number(parse_national_id("9990000018"))
    assert not is_test_number(parse_national_id("9434765919"))


def test_make_nhs_number_appends_the_check_digit():
    # 9*10 + 9*9 + 9*8 + 1*2 = 245; 245 mod 11 = 3; 11 - 3 = 8.
    assert make_nhs_number("999000001") == "9990000018"
    assert make_nhs_number("943476591") == "9434765919"


def test_make_nhs_number_refuses_a_prefix_whose_check_digit_would_be_ten():
    with pytest.raises(ValueError, match="check digit 10"):
        make_nhs_number("999000000")


@pytest.mark.parametrize("prefix", ["99900000", "9990000001", "99900000A"])
def test_make_nhs_number_refuses_a_prefix_that_is_not_nine_digits(prefix):
    with pytest.raises(ValueError, match="9 digits"):
        make_nhs_number(prefix)


def test_generated_nhs_numbers_parse_back():
    made = 0
    for n in range(1000):
        try:
            number = make_nhs_number(f"999{n:06d}")
        except ValueError:
            continue
        made += 1
        nid = parse_national_id(number)
        assert nid.system == NHS_NUMBER
        assert nid.value == number
        assert is_test_number(nid)
    assert made > 850  # about 1 prefix in 11 has no check digit


# --- Norwegian fodselsnummer and D-number ---------------------------------------------------------------


def test_hand_computed_fodselsnummer_is_valid_and_gives_its_birth_date():
    # 010180 123: k1 = 11 - (0+7+0+1+64+0+4+10+6) mod 11 = 11 - 4 = 7
    #             k2 = 11 - (0+4+0+2+56+0+5+8+9+14) mod 11 = 11 - 10 = 1
    nid = parse_national_id("01018012371")

    assert nid == NationalId(system=NO_FNR, value="01018012371", birth_date=datetime.date(1980, 1, 1))
    assert not is_test_number(nid)


def test_fodselsnummer_with_spaces_is_accepted():
    assert parse_national_id("010180 12371", NO_FNR).value == "01018012371"


@pytest.mark.parametrize("value", ["01018012372", "01018012361", "01018012471"])
def test_fodselsnummer_with_wrong_check_digit_is_refused(value):
    assert refusal(value) == f"Norwegian national identity number {value} fails its check digits"


def test_fodselsnummer_of_wrong_length_is_refused_with_the_length():
    assert refusal("0101801237", NO_FNR) == "Norwegian national identity number must be 11 digits, got 10"


def test_fodselsnummer_with_letters_is_refused():
    message = refusal("0101801237X", NO_FNR)

    assert message == "Norwegian national identity number must contain only digits, got '0101801237X'"


def test_d_number_is_recognised_by_its_first_digit_and_gives_the_birth_date():
    number = first_valid_number("410180", range(100, 200))

    nid = parse_national_id(number)

    assert nid.system == NO_DNR
    assert nid.birth_date == datetime.date(1980, 1, 1)
    assert parse_national_id(number, NO_DNR) == nid


def test_d_number_given_as_fodselsnummer_is_refused_saying_so():
    number = make_d_number(datetime.date(1980, 1, 1), 2)

    message = refusal(number, NO_FNR)

    assert message == (
        f"{number} is a Norwegian D-number (first digit 4), not a Norwegian national identity number"
    )


def test_fodselsnummer_given_as_d_number_is_refused_saying_so():
    message = refusal("01018012371", NO_DNR)

    assert message == "01018012371 is not a Norwegian D-number: a D-number starts with 4, 5, 6 or 7"


@pytest.mark.parametrize(
    "date_part",
    [
        "310280",  # 31 February
        "290281",  # 29 February 1981
        "001280",  # day 0
        "011380",  # month 13
        "320180",  # day 32
        "811280",  # day 81: neither a fodselsnummer nor a D-number
    ],
)
def test_norwegian_number_with_impossible_date_is_refused(date_part):
    number = first_valid_number(date_part, range(100, 200))

    message = refusal(number)

    assert message.startswith(f"Norwegian national identity number {number} does not start with a real date")


def test_d_number_with_impossible_date_is_refused():
    number = first_valid_number("710280", range(100, 200))  # day 31 + 40, February

    assert refusal(number) == (
        f"Norwegian D-number {number} does not start with a real date of birth (day 31, month 2, year 1980)"
    )


@pytest.mark.parametrize(
    ("year", "individuals", "expected_year"),
    [
        ("80", range(0, 500), 1980),
        ("00", range(0, 500), 1900),
        ("99", range(0, 500), 1999),
        ("60", range(500, 750), 1860),
        ("99", range(500, 750), 1899),
        ("54", range(500, 750), 1854),
        ("00", range(500, 1000), 2000),
        ("39", range(500, 1000), 2039),
        ("24", range(900, 1000), 2024),
        ("40", range(900, 1000), 1940),
        ("99", range(900, 1000), 1999),
    ],
)
def test_norwegian_birth_century_follows_from_the_individual_number(year, individuals, expected_year):
    for start in (individuals.start, individuals.stop - 20):
        number = first_valid_number(f"0101{year}", range(start, individuals.stop))

        assert parse_national_id(number).birth_date == datetime.date(expected_year, 1, 1)


@pytest.mark.parametrize(
    ("year", "individuals"),
    [("45", range(500, 750)), ("53", range(600, 750)), ("60", range(750, 900)), ("99", range(800, 900))],
)
def test_norwegian_individual_number_not_issued_for_that_year_is_refused(year, individuals):
    number = first_valid_number(f"0101{year}", individuals)

    message = refusal(number)

    assert message.startswith(f"Norwegian national identity number {number}: individual number")
    assert "is not issued for birth year" in message


def test_29_february_1900_is_refused_but_29_february_2000_is_accepted():
    year_1900 = first_valid_number("290200", range(0, 500))
    year_2000 = first_valid_number("290200", range(500, 1000))

    assert "does not start with a real date" in refusal(year_1900)
    assert parse_national_id(year_2000).birth_date == datetime.date(2000, 2, 29)


def test_synthetic_fodselsnummer_has_80_added_to_the_month_and_is_a_test_number():
    number = first_valid_number("018280", range(100, 200))  # 1 February 1980, synthetic

    nid = parse_national_id(number)

    assert nid.system == NO_FNR
    assert nid.birth_date == datetime.date(1980, 2, 1)
    assert is_test_number(nid)


def test_synthetic_d_number_is_a_test_number_with_its_birth_date():
    number = first_valid_number("519280", range(100, 200))  # 11 December 1980, D-number, synthetic

    nid = parse_national_id(number)

    assert nid.system == NO_DNR
    assert nid.birth_date == datetime.date(1980, 12, 11)
    assert is_test_number(nid)


def test_month_plus_40_is_not_accepted():
    # NAV's +40 synthetic convention and hospital H-numbers are deliberately not supported.
    number = first_valid_number("014180", range(100, 200))

    assert "does not start with a real date" in refusal(number)


def test_make_norwegian_fnr_matches_the_hand_computed_number():
    assert make_norwegian_fnr(datetime.date(1980, 1, 1), 123) == "01018012371"


def test_make_norwegian_fnr_refuses_an_individual_number_giving_check_digit_10():
    assert with_check_digits("010180003") is None
    with pytest.raises(ValueError, match="check digit 10"):
        make_norwegian_fnr(datetime.date(1980, 1, 1), 3)


def test_make_d_number_refuses_an_individual_number_giving_check_digit_10():
    assert with_check_digits("410180001") is None
    with pytest.raises(ValueError, match="check digit 10"):
        make_d_number(datetime.date(1980, 1, 1), 1)


@pytest.mark.parametrize(
    ("birth_date", "individual"),
    [(datetime.date(1950, 6, 1), 600), (datetime.date(2001, 6, 1), 100), (datetime.date(1870, 6, 1), 800)],
)
def test_norwegian_generators_refuse_an_individual_number_not_issued_for_that_year(birth_date, individual):
    with pytest.raises(ValueError, match="not issued"):
        make_norwegian_fnr(birth_date, individual)
    with pytest.raises(ValueError, match="not issued"):
        make_d_number(birth_date, individual)


@pytest.mark.parametrize("individual", [-1, 1000])
def test_norwegian_generators_refuse_an_individual_number_out_of_range(individual):
    with pytest.raises(ValueError, match="0-999"):
        make_norwegian_fnr(datetime.date(1980, 1, 1), individual)


GENERATOR_DATES = [
    datetime.date(1860, 3, 15),
    datetime.date(1945, 5, 8),
    datetime.date(1980, 1, 1),
    datetime.date(1999, 12, 31),
    datetime.date(2000, 2, 29),
    datetime.date(2024, 7, 31),
]


def _generate(make, birth_date: datetime.date, synthetic: bool) -> list[str]:
    numbers = []
    for individual in range(1000):
        try:
            numbers.append(make(birth_date, individual, synthetic=synthetic))
        except ValueError:
            continue
    return numbers


@pytest.mark.parametrize("birth_date", GENERATOR_DATES)
@pytest.mark.parametrize("synthetic", [False, True])
@pytest.mark.parametrize(("make", "system"), [(make_norwegian_fnr, NO_FNR), (make_d_number, NO_DNR)])
def test_generated_norwegian_numbers_parse_back_with_their_birth_date(birth_date, synthetic, make, system):
    numbers = _generate(make, birth_date, synthetic)

    assert len(numbers) > 50
    for number in numbers:
        assert with_check_digits(number[:9]) == number
        nid = parse_national_id(number)
        assert nid == NationalId(system=system, value=number, birth_date=birth_date)
        assert is_test_number(nid) is synthetic


# --- New Zealand NHI ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["JBX3656", "ZZZ0016", "ZZZ0024", "ZAC5361", "WLD9413"])
def test_published_old_format_nhi_is_valid(value):
    assert parse_national_id(value) == NationalId(system=NZ_NHI, value=value, birth_date=None)


def test_old_format_nhi_with_wrong_check_digit_is_refused():
    for last in "012345789":
        assert refusal(f"JBX365{last}") == f"New Zealand NHI JBX365{last} fails its check character"


def test_old_format_nhi_whose_checksum_is_zero_is_refused_for_every_last_digit():
    # Z*7 + Z*6 + Z*5 + 0*4 + 0*3 + 4*2 = 24*18 + 8 = 440, a multiple of 11.
    for last in "0123456789":
        with pytest.raises(InvalidIdentifier):
            parse_national_id(f"ZZZ004{last}")


@pytest.mark.parametrize("value", ["ZZZ00AC", "ZBN77VL", "ZSC21TN", "ZVB97XQ", "ZHW58CV"])
def test_new_format_nhi_with_mod_23_check_letter_is_valid(value):
    # ZZZ00AC: 24*18 + 0 + 0 + A(1)*2 = 434; 434 mod 23 = 20; 23 - 20 = 3 = C.
    assert parse_national_id(value, NZ_NHI).value == value


@pytest.mark.parametrize("value", ["ZZZ00AA", "ZZZ00AY", "ZZZ00AX", "ZHW58CZ"])
def test_new_format_nhi_with_wrong_check_letter_is_refused(value):
    # ZZZ00AX was valid under the withdrawn mod-24 routine; HISO 10046:2023 uses mod 23.
    assert refusal(value) == f"New Zealand NHI {value} fails its check character"


def test_nhi_is_upper_cased():
    assert parse_national_id("zsc21tn").value == "ZSC21TN"
    assert parse_national_id("jbx 3656", NZ_NHI).value == "JBX3656"


@pytest.mark.parametrize("value", ["IBX3656", "JBO3656", "ZZZ00OC"])
def test_nhi_with_letter_i_or_o_is_refused(value):
    assert refusal(value, NZ_NHI) == f"New Zealand NHI never uses the letters I or O, got {value!r}"


@pytest.mark.parametrize("value", ["JB13656", "JBX36A6", "JBX3A56", "1BX3656"])
def test_nhi_of_wrong_shape_is_refused(value):
    assert refusal(value, NZ_NHI).startswith("New Zealand NHI must be 3 letters and 4 digits")


def test_nhi_of_wrong_length_is_refused_with_the_length():
    assert refusal("JBX365", NZ_NHI) == "New Zealand NHI must be 7 characters, got 6"


def test_nhi_starting_with_z_is_a_test_number():
    assert is_test_number(parse_national_id("ZZZ0016"))
    assert not is_test_number(parse_national_id("JBX3656"))
