"""The strength estimate (zxcvbn's Rust port): a score of 0-4 and advice that the catalogue
translates."""

from webapp.i18n import PASSWORD_ADVICE
from webapp.registration.passwords import strength


def test_a_weak_password_gets_a_low_score_and_listed_advice():
    score, advice = strength("abcabcabc2024")
    assert type(score) is int and score <= 1
    assert advice and set(advice) <= set(PASSWORD_ADVICE)


def test_a_strong_password_gets_no_advice():
    assert strength("violet-Harbour-tangent-93") == (4, [])


def test_the_persons_own_data_lowers_the_score():
    assert strength("zebulon77quince") == (4, [])
    assert strength("zebulon77quince", ("zebulon", None))[0] == 3
