"""Does the Rust port of zxcvbn (`zxcvbn-rs-py`, which the service uses) pass and fail the same
passwords as the Python `zxcvbn` (which it replaced)?

    pip install 'zxcvbn>=4.4,<4.6'     # the Python port, for this comparison only
    .venv/bin/python benchmarks/zxcvbn_agreement.py [--count 3600] [--seed 19]
    .venv/bin/python benchmarks/zxcvbn_agreement.py --corpus listed

Generates a corpus of passwords of the kinds people type (words with digits, years and symbols,
leetspeak, passphrases, names with dates, keyboard walks, repeats and sequences, random strings,
passwords from the frequency list past the refused top 3,000, some holding the person's own
data), scores each with both, and prints, for every minimum score 1-4, the share of passwords
that both pass or both fail, then each password on which they disagree at some minimum. The
service cuts passwords to their first 72 characters before scoring, as this does.

With `--corpus listed` the corpus is instead every password of zxcvbn's frequency list (leaked
passwords, as people chose them) past the refused top 3,000, unchanged: 27,000 real passwords,
nearly all of them weak, so it shows agreement on what people type rather than on the edges.
"""

import argparse
import random
import re
import string
import sys
import time
from importlib.metadata import version
from pathlib import Path

import zxcvbn as python_port
import zxcvbn_rs_py as rust_port
from zxcvbn.frequency_lists import FREQUENCY_LISTS

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's webapp
from webapp.registration.passwords import ZXCVBN_MAX

TARGET = 0.99
KEYBOARD_ROWS = (
    "1234567890",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "1qaz2wsx3edc4rfv",
    "qazwsxedc",
    "!@#$%^&*()",
)
LEET = str.maketrans({"a": "@", "e": "3", "i": "1", "o": "0", "s": "$", "t": "7"})
SYMBOLS = "!@#$%&*?._-"
RECENT_2020S = re.compile(r"202\d")


class Corpus:
    """Passwords of each kind, drawn from one seeded generator."""

    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.words = [w for w in FREQUENCY_LISTS["english_wikipedia"][:20000] if w.isalpha()]
        self.names = FREQUENCY_LISTS["female_names"] + FREQUENCY_LISTS["male_names"]
        self.surnames = FREQUENCY_LISTS["surnames"]
        self.listed = FREQUENCY_LISTS["passwords"][3000:]

    def word(self, length=(3, 12)):
        return self.rng.choice(
            [w for w in self.rng.sample(self.words, 20) if length[0] <= len(w) <= length[1]]
            or ["harbour"]
        )

    def styled(self, text):
        return self.rng.choice([str.lower, str.capitalize, str.upper, lambda t: t])(text)

    def word_digits(self):
        return self.styled(self.word()) + str(self.rng.randrange(10 ** self.rng.randint(1, 4)))

    def word_year(self):
        return (
            self.styled(self.word())
            + str(self.rng.randint(1950, 2030))
            + self.rng.choice(["", "", self.rng.choice(SYMBOLS)])
        )

    def word_symbol(self):
        return (
            self.styled(self.word())
            + self.rng.choice(SYMBOLS)
            + self.styled(self.word(length=(2, 6)))
        )

    def leet(self):
        return self.styled(self.word(length=(5, 12))).translate(LEET) + self.rng.choice(
            ["", "1", "!", "123", str(self.rng.randint(0, 99))]
        )

    def passphrase(self):
        return self.rng.choice(["-", " ", ".", "", "_"]).join(
            self.styled(self.word(length=(3, 8))) for _ in range(self.rng.randint(2, 4))
        )

    def name_date(self):
        day, month = self.rng.randint(1, 28), self.rng.randint(1, 12)
        year = self.rng.randint(1940, 2025)
        date = self.rng.choice(
            [
                f"{day:02d}{month:02d}{year}",
                f"{year}",
                f"{month:02d}{day:02d}",
                f"{day}.{month}.{year % 100:02d}",
                f"{year}{month:02d}{day:02d}",
            ]
        )
        return self.styled(self.rng.choice(self.names)) + self.rng.choice(["", ".", "_"]) + date

    def keyboard(self):
        row = self.rng.choice(KEYBOARD_ROWS)
        start = self.rng.randrange(len(row) - 3)
        walk = row[start : start + self.rng.randint(4, len(row) - start)]
        return self.rng.choice([walk, walk[::-1], walk + walk[:3], walk.capitalize() + "!"])

    def repeat_sequence(self):
        piece = self.rng.choice(
            [
                self.word(length=(2, 4)),
                "ab",
                "abc",
                "xyz",
                "123",
                "9",
                self.rng.choice(string.ascii_letters),
            ]
        )
        return self.rng.choice(
            [
                piece * self.rng.randint(3, 6),
                self.word() + "123456789"[: self.rng.randint(3, 9)],
                "abcdefghij"[: self.rng.randint(4, 10)] + self.word(),
                "9876543210"[: self.rng.randint(4, 10)],
            ]
        )

    def random_string(self):
        alphabet = self.rng.choice(
            [
                string.ascii_lowercase,
                string.ascii_letters + string.digits,
                string.ascii_letters + string.digits + SYMBOLS,
                string.digits,
            ]
        )
        return "".join(self.rng.choice(alphabet) for _ in range(self.rng.randint(6, 18)))

    def from_list(self):
        listed = self.rng.choice(self.listed)
        return self.rng.choice([listed, listed + "!", listed.capitalize() + "1", listed + "2024"])

    KINDS = (
        "word_digits",
        "word_year",
        "word_symbol",
        "leet",
        "passphrase",
        "name_date",
        "keyboard",
        "repeat_sequence",
        "random_string",
        "from_list",
    )

    def personal(self):
        """(password, the person's data): someone whose names or username the password holds."""
        forename, surname = self.rng.choice(self.names), self.rng.choice(self.surnames)
        username = forename[: self.rng.randint(3, len(forename))] + str(self.rng.randint(1, 99))
        part = self.rng.choice([forename, surname, username])
        password = self.rng.choice(
            [
                part + self.word(),
                self.word() + part.capitalize() + "!",
                part + str(self.rng.randint(1950, 2010)),
            ]
        )
        return password, [username, f"{username}@example.com", forename, surname]

    def draw(self, count):
        """`count` distinct (kind, password, personal data) triples."""
        seen, drawn = set(), []
        while len(drawn) < count:
            if self.rng.random() < 0.1:
                kind, (password, personal) = "personal", self.personal()
            else:
                kind = self.rng.choice(self.KINDS)
                password, personal = getattr(self, kind)(), []
            if password not in seen:
                seen.add(password)
                drawn.append((kind, password, personal))
        return drawn

    def listed_as_chosen(self):
        """Every password of the frequency list past the refused top 3,000, as it was leaked."""
        return [("listed", password, []) for password in self.listed]


def scores(corpus):
    """Both ports' scores for each password, and each port's seconds per password."""
    cut = [(password[:ZXCVBN_MAX], personal) for _, password, personal in corpus]
    start = time.perf_counter()
    python = [
        python_port.zxcvbn(password, user_inputs=personal)["score"] for password, personal in cut
    ]
    python_time = (time.perf_counter() - start) / len(cut)
    start = time.perf_counter()
    rust = [int(rust_port.zxcvbn(password, personal).score) for password, personal in cut]
    rust_time = (time.perf_counter() - start) / len(cut)
    return python, rust, python_time, rust_time


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=3600, help="passwords in the corpus")
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--corpus", choices=("generated", "listed"), default="generated")
    options = parser.parse_args(argv)
    source = Corpus(options.seed)
    corpus = source.listed_as_chosen() if options.corpus == "listed" else source.draw(options.count)
    python, rust, python_time, rust_time = scores(corpus)
    total = len(corpus)
    drawn = f"seed {options.seed}" if options.corpus == "generated" else "the frequency list"
    print(
        f"{total} passwords ({drawn}); Python zxcvbn {version('zxcvbn')} "
        f"{python_time * 1000:.2f} ms per password, zxcvbn-rs-py {rust_port.__version__} "
        f"{rust_time * 1000:.2f} ms\n"
    )
    # Python zxcvbn (2017) knows 1900-2019 as recent years; the Rust port's years run on.
    other_years = [not RECENT_2020S.search(password) for _, password, _ in corpus]
    print(
        "| minimum score | same pass/fail | differ | Python passes, Rust fails | "
        "Rust passes, Python fails | same, passwords without a year 2020-2029 |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    worst = 1.0
    for minimum in range(1, 5):
        only_python = [p >= minimum > r for p, r in zip(python, rust, strict=True)]
        only_rust = [r >= minimum > p for p, r in zip(python, rust, strict=True)]
        same = 1 - (sum(only_python) + sum(only_rust)) / total
        differ_other = sum(
            o and (a or b) for o, a, b in zip(other_years, only_python, only_rust, strict=True)
        )
        worst = min(worst, same)
        print(
            f"| {minimum} | {same:.2%} | {sum(only_python) + sum(only_rust)} | "
            f"{sum(only_python)} | {sum(only_rust)} | "
            f"{1 - differ_other / sum(other_years):.2%} of {sum(other_years)} |"
        )
    exact = sum(p == r for p, r in zip(python, rust, strict=True)) / total
    passing = sum(p >= 3 for p in python)
    print(f"\nSame exact score: {exact:.2%}. The Python port passes {passing} at minimum 3.\n")
    print(
        "| password | kind | person's data given | Python score | Rust score | "
        "pass/fail differs at minimum |"
    )
    print("| --- | --- | --- | ---: | ---: | --- |")
    for (kind, password, personal), p, r in zip(corpus, python, rust, strict=True):
        if p != r:
            minimums = ", ".join(str(m) for m in range(min(p, r) + 1, max(p, r) + 1))
            print(
                f"| `{password}` | {kind} | {'yes' if personal else 'no'} | {p} | {r} | "
                f"{minimums} |"
            )
    print(f"\nLowest agreement at any minimum: {worst:.2%} (needed: {TARGET:.0%})")
    return 0 if worst >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
