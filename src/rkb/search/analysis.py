"""Text analysis shared by the index and the query (mirrored in assets/rkb-search.js).

Every step here has a twin in the browser, written to give the same tokens:
lowercase, ё → е, words of letters and digits, a short list of stop words, the Russian
Snowball stemmer for Cyrillic words (lunr-languages' in the browser: the same stems) and
a light plural folding for Latin ones (lunr.js's and lunr.py's Porter stemmers disagree on
words such as "day", so neither is used). Record ids and error codes become single tokens.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from typing import Any

STOP_WORDS = frozenset(
    """и в во на с со по к ко о об от до из за для у а но или ли же бы что как это не ни
    то так там тут при его ее их мы вы он она они я ты быть был была было есть
    почему зачем где когда какой какая какие каким можно нужно надо могу может
    мне меня мой моя мои делать сделать что-то
    a an and are as at be by for from in is it of on or the to with how what why""".split()  # noqa: SIM905
)
_WORD = re.compile(r"[^\W_]+")
_ID = re.compile(r"([fpqt])-?0*(\d+)")
_CYRILLIC = re.compile(r"[а-я]")


@cache
def _russian() -> Any:
    """The Snowball stemmer, loaded where words are stemmed (in a build, the search
    index's process; about 15 ms of every build's start otherwise)."""
    import snowballstemmer  # noqa: PLC0415

    return snowballstemmer.stemmer("russian")


def normalise(text: str) -> str:
    """Lowercase, ё → е, compatibility forms folded (as the browser does)."""
    return unicodedata.normalize("NFKC", text).lower().replace("ё", "е")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    if _CYRILLIC.search(word):
        return str(_russian().stemWord(word))
    if word.isascii() and word.isalpha():
        return fold_plural(word)
    return word


def fold_plural(word: str) -> str:
    """English plural to singular, the simple cases: queries → query, logs → log."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """The normalised words of a text, stop words included."""
    return _WORD.findall(normalise(text))


def terms(text: str) -> list[str]:
    """Index terms of a text: words without stop words, stemmed."""
    return [stem(word) for word in words(text) if word not in STOP_WORDS]


def id_term(text: str) -> str | None:
    """The id token of a typed record id (F-0042, f-42, F42 → f42), if it is one."""
    match = _ID.fullmatch(normalise(text).strip())
    return f"{match.group(1)}{int(match.group(2))}" if match else None


def code_term(code: str) -> str:
    """An error code as one token: RT-1042 → rt1042, HTTP 502 → http502."""
    return "".join(_WORD.findall(normalise(code)))
