"""Numbers 0-9999 written out in Hindi words: the data of lesson 02 (encoder-decoder).

`number_to_hindi(2026)` gives "दो हज़ार छब्बीस". The names of 0-99 are irregular (47 is सैंतालीस, not
"चालीस सात"), so they come from a table; hundreds and thousands follow a simple rule:
"<digit> हज़ार <digit> सौ <name of the last two digits>", leaving out the parts that are zero.
`romanize` spells the words in Latin letters for readers who do not read Devanagari.
"""
from __future__ import annotations

import numbers

LOWEST, HIGHEST = 0, 9999
HUNDRED, THOUSAND = "सौ", "हज़ार"

# The names of 0-99, in order. Standard spellings; Unicode NFC (ज़, ड़ are letter + nukta).
NAMES_0_99: tuple[str, ...] = (
    "शून्य", "एक", "दो", "तीन", "चार", "पाँच", "छह", "सात", "आठ", "नौ",
    "दस", "ग्यारह", "बारह", "तेरह", "चौदह", "पंद्रह", "सोलह", "सत्रह", "अठारह", "उन्नीस",
    "बीस", "इक्कीस", "बाईस", "तेईस", "चौबीस", "पच्चीस", "छब्बीस", "सत्ताईस", "अट्ठाईस", "उनतीस",
    "तीस", "इकतीस", "बत्तीस", "तैंतीस", "चौंतीस", "पैंतीस", "छत्तीस", "सैंतीस", "अड़तीस", "उनतालीस",
    "चालीस", "इकतालीस", "बयालीस", "तैंतालीस", "चवालीस", "पैंतालीस", "छियालीस", "सैंतालीस", "अड़तालीस", "उनचास",
    "पचास", "इक्यावन", "बावन", "तिरपन", "चौवन", "पचपन", "छप्पन", "सत्तावन", "अट्ठावन", "उनसठ",
    "साठ", "इकसठ", "बासठ", "तिरसठ", "चौंसठ", "पैंसठ", "छियासठ", "सड़सठ", "अड़सठ", "उनहत्तर",
    "सत्तर", "इकहत्तर", "बहत्तर", "तिहत्तर", "चौहत्तर", "पचहत्तर", "छिहत्तर", "सतहत्तर", "अठहत्तर", "उनासी",
    "अस्सी", "इक्यासी", "बयासी", "तिरासी", "चौरासी", "पचासी", "छियासी", "सत्तासी", "अट्ठासी", "नवासी",
    "नब्बे", "इक्यानबे", "बानबे", "तिरानबे", "चौरानबे", "पंचानबे", "छियानबे", "सत्तानबे", "अट्ठानबे", "निन्यानबे",
)

# How each word sounds, in simple Latin letters (ā ī ū are long vowels, n before a consonant is nasal).
ROMAN_0_99: tuple[str, ...] = (
    "shūnya", "ek", "do", "tīn", "chār", "pānch", "chhah", "sāt", "āṭh", "nau",
    "das", "gyārah", "bārah", "terah", "chaudah", "pandrah", "solah", "satrah", "aṭhārah", "unnīs",
    "bīs", "ikkīs", "bāīs", "teīs", "chaubīs", "pachchīs", "chhabbīs", "sattāīs", "aṭṭhāīs", "untīs",
    "tīs", "iktīs", "battīs", "taintīs", "chauntīs", "paintīs", "chhattīs", "saintīs", "aṛtīs", "untālīs",
    "chālīs", "iktālīs", "bayālīs", "taintālīs", "chavālīs", "paintālīs", "chhiyālīs", "saintālīs", "aṛtālīs",
    "unchās",
    "pachās", "ikyāvan", "bāvan", "tirpan", "chauvan", "pachpan", "chhappan", "sattāvan", "aṭṭhāvan", "unsaṭh",
    "sāṭh", "iksaṭh", "bāsaṭh", "tirsaṭh", "chaunsaṭh", "painsaṭh", "chhiyāsaṭh", "saṛsaṭh", "aṛsaṭh", "unhattar",
    "sattar", "ikhattar", "bahattar", "tihattar", "chauhattar", "pachhattar", "chhihattar", "sathattar",
    "aṭhhattar", "unāsī",
    "assī", "ikyāsī", "bayāsī", "tirāsī", "chaurāsī", "pachāsī", "chhiyāsī", "sattāsī", "aṭṭhāsī", "navāsī",
    "nabbe", "ikyānabe", "bānabe", "tirānabe", "chaurānabe", "panchānabe", "chhiyānabe", "sattānabe",
    "aṭṭhānabe", "ninyānabe",
)

ROMAN: dict[str, str] = {**dict(zip(NAMES_0_99, ROMAN_0_99)), HUNDRED: "sau", THOUSAND: "hazār"}


def _check_number(n: object) -> int:
    """`n` as an int in 0-9999, or a ValueError in English and Hindi."""
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise ValueError(
            f"number_to_hindi needs a whole number (int) from {LOWEST} to {HIGHEST}, got {n!r} "
            f"of type {type(n).__name__}. / number_to_hindi को {LOWEST} से {HIGHEST} तक की पूर्ण संख्या (int) "
            f"चाहिए, मिला {n!r} (type {type(n).__name__})।"
        )
    n = int(n)
    if not LOWEST <= n <= HIGHEST:
        raise ValueError(
            f"number_to_hindi knows the numbers from {LOWEST} to {HIGHEST}, got {n}. / "
            f"number_to_hindi सिर्फ़ {LOWEST} से {HIGHEST} तक की संख्याएँ जानता है, मिला {n}।"
        )
    return n


def number_to_words(n: int) -> list[str]:
    """The Hindi name of `n` (0-9999) as a list of words, e.g. 345 → ["तीन", "सौ", "पैंतालीस"]."""
    n = _check_number(n)
    if n == 0:
        return [NAMES_0_99[0]]
    thousands, hundreds, rest = n // 1000, n // 100 % 10, n % 100
    words = []
    if thousands:
        words += [NAMES_0_99[thousands], THOUSAND]
    if hundreds:
        words += [NAMES_0_99[hundreds], HUNDRED]
    if rest:
        words.append(NAMES_0_99[rest])
    return words


def number_to_hindi(n: int) -> str:
    """The Hindi name of `n` (0-9999), e.g. 47 → "सैंतालीस", 2026 → "दो हज़ार छब्बीस"."""
    return " ".join(number_to_words(n))


def romanize(text: str) -> str:
    """Latin spelling of Hindi number words, word by word ("दो हज़ार छब्बीस" → "do hazār chhabbīs")."""
    return " ".join(ROMAN.get(word, word) for word in text.split())
