"""helpers.hindi_numbers against a table of known Hindi number names, written out here independently."""
import unicodedata

import numpy as np
import pytest

from helpers.hindi_numbers import NAMES_0_99, ROMAN, number_to_hindi, number_to_words, romanize

KNOWN_0_99 = {
    0: "शून्य", 1: "एक", 2: "दो", 3: "तीन", 4: "चार", 5: "पाँच", 6: "छह", 7: "सात", 8: "आठ", 9: "नौ",
    10: "दस", 11: "ग्यारह", 12: "बारह", 13: "तेरह", 14: "चौदह",
    15: "पंद्रह", 16: "सोलह", 17: "सत्रह", 18: "अठारह", 19: "उन्नीस",
    20: "बीस", 21: "इक्कीस", 22: "बाईस", 23: "तेईस", 24: "चौबीस",
    25: "पच्चीस", 26: "छब्बीस", 27: "सत्ताईस", 28: "अट्ठाईस", 29: "उनतीस",
    30: "तीस", 31: "इकतीस", 32: "बत्तीस", 33: "तैंतीस", 34: "चौंतीस",
    35: "पैंतीस", 36: "छत्तीस", 37: "सैंतीस", 38: "अड़तीस", 39: "उनतालीस",
    40: "चालीस", 41: "इकतालीस", 42: "बयालीस", 43: "तैंतालीस", 44: "चवालीस",
    45: "पैंतालीस", 46: "छियालीस", 47: "सैंतालीस", 48: "अड़तालीस", 49: "उनचास",
    50: "पचास", 51: "इक्यावन", 52: "बावन", 53: "तिरपन", 54: "चौवन",
    55: "पचपन", 56: "छप्पन", 57: "सत्तावन", 58: "अट्ठावन", 59: "उनसठ",
    60: "साठ", 61: "इकसठ", 62: "बासठ", 63: "तिरसठ", 64: "चौंसठ",
    65: "पैंसठ", 66: "छियासठ", 67: "सड़सठ", 68: "अड़सठ", 69: "उनहत्तर",
    70: "सत्तर", 71: "इकहत्तर", 72: "बहत्तर", 73: "तिहत्तर", 74: "चौहत्तर",
    75: "पचहत्तर", 76: "छिहत्तर", 77: "सतहत्तर", 78: "अठहत्तर", 79: "उनासी",
    80: "अस्सी", 81: "इक्यासी", 82: "बयासी", 83: "तिरासी", 84: "चौरासी",
    85: "पचासी", 86: "छियासी", 87: "सत्तासी", 88: "अट्ठासी", 89: "नवासी",
    90: "नब्बे", 91: "इक्यानबे", 92: "बानबे", 93: "तिरानबे", 94: "चौरानबे",
    95: "पंचानबे", 96: "छियानबे", 97: "सत्तानबे", 98: "अट्ठानबे", 99: "निन्यानबे",
}

COMPOSITE = {
    100: "एक सौ",
    101: "एक सौ एक",
    110: "एक सौ दस",
    200: "दो सौ",
    345: "तीन सौ पैंतालीस",
    999: "नौ सौ निन्यानबे",
    1000: "एक हज़ार",
    1001: "एक हज़ार एक",
    1010: "एक हज़ार दस",
    1100: "एक हज़ार एक सौ",
    1947: "एक हज़ार नौ सौ सैंतालीस",
    2000: "दो हज़ार",
    2026: "दो हज़ार छब्बीस",
    5005: "पाँच हज़ार पाँच",
    7300: "सात हज़ार तीन सौ",
    8088: "आठ हज़ार अट्ठासी",
    9999: "नौ हज़ार नौ सौ निन्यानबे",
}


def test_known_table_is_complete():
    assert sorted(KNOWN_0_99) == list(range(100))
    assert len(set(KNOWN_0_99.values())) == 100


@pytest.mark.parametrize("n", range(100))
def test_names_0_to_99(n):
    assert number_to_hindi(n) == KNOWN_0_99[n]
    assert NAMES_0_99[n] == KNOWN_0_99[n]


@pytest.mark.parametrize("n, name", sorted(COMPOSITE.items()))
def test_composite_numbers(n, name):
    assert number_to_hindi(n) == name


def test_every_number_in_range():
    """All 10,000 names follow '<d> हज़ार <d> सौ <0-99 name>', are distinct and clean Unicode."""
    names = {}
    for n in range(10_000):
        thousands, hundreds, rest = n // 1000, n // 100 % 10, n % 100
        expected = []
        if thousands:
            expected += [KNOWN_0_99[thousands], "हज़ार"]
        if hundreds:
            expected += [KNOWN_0_99[hundreds], "सौ"]
        if rest or n == 0:
            expected.append(KNOWN_0_99[rest])
        name = number_to_hindi(n)
        assert name == " ".join(expected), n
        assert number_to_words(n) == expected, n
        assert name == unicodedata.normalize("NFC", name), n
        names[name] = n
    assert len(names) == 10_000


def test_words_and_romanization():
    vocabulary = {word for n in range(10_000) for word in number_to_words(n)}
    assert len(vocabulary) == 102
    assert vocabulary == set(ROMAN)
    assert romanize(number_to_hindi(2026)) == "do hazār chhabbīs"
    assert romanize(number_to_hindi(47)) == "saintālīs"
    assert len(set(ROMAN.values())) == len(ROMAN)


def test_numpy_integers_are_accepted():
    assert number_to_hindi(np.int64(345)) == "तीन सौ पैंतालीस"


@pytest.mark.parametrize("bad", [-1, 10_000, 123_456, -9999])
def test_out_of_range(bad):
    with pytest.raises(ValueError, match="0 to 9999") as error:
        number_to_hindi(bad)
    assert "0 से 9999" in str(error.value)


@pytest.mark.parametrize("bad", [3.0, 2.5, "47", None, True, [1], np.float32(7)])
def test_not_a_whole_number(bad):
    with pytest.raises(ValueError, match="whole number") as error:
        number_to_hindi(bad)
    assert "पूर्ण संख्या" in str(error.value)
