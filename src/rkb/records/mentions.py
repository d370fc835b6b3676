"""Record ids and link targets written in Markdown text, with their offsets.

`scan` finds what a writer refers to in one Markdown text: record ids (`F-0042`, `f-42`,
`Q-17`) outside code and outside links, and the targets of links and images. It works on
the text as written, so every finding has an offset, which `TextSpan.position` turns into
the line and column in the YAML file. Rendering links the same ids (`render/idlinks.py`)
with the same pattern, `MENTION`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

MENTION = re.compile(r"(?<![\w/.-])([FPQTfpqt])-(\d{1,9})(?![\w-])")
"""An id as a writer mentions it in text: the letter, a hyphen, the number."""

_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)
_LINK = re.compile(
    r"(!?)\[((?:[^\[\]\\]|\\.|\[[^\[\]]*\])*)\]\(\s*<?([^\s)>]*)>?(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)"
)
_REF_LINK = re.compile(r"(!?)\[((?:[^\[\]\\]|\\.)*)\]\[([^\]]*)\]")
_REF_DEF = re.compile(r"(?m)^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s.*)?$")
_RAW_A = re.compile(r"(?is)<(a|code|pre|kbd|samp)\b[^>]*>.*?</\1\s*>")
_RAW_TARGET = re.compile(r"""(?is)<(a|img)\b[^>]*?\s(?:href|src)\s*=\s*["']([^"']*)["']""")
_TAG = re.compile(r"<[^>\n]*>")
_AUTOLINK = re.compile(r"<[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>]*>")


@dataclass(frozen=True)
class Target:
    """A link or image target as written, and where it starts in the text."""

    target: str
    offset: int
    image: bool


@dataclass(frozen=True)
class Mention:
    """A record id as written (`f-42`) and where it starts in the text."""

    text: str
    offset: int


@dataclass(frozen=True)
class Scan:
    mentions: tuple[Mention, ...]
    targets: tuple[Target, ...]


def _blank(text: str, start: int, end: int) -> str:
    """The text with [start, end) replaced by spaces (newlines kept: offsets stay)."""
    return text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]


def _mask_fences(text: str) -> str:
    """Fenced code blocks blanked out; an unclosed fence runs to the end, as Markdown
    reads it."""
    lines = text.split("\n")
    fence = ""
    for index, line in enumerate(lines):
        match = _FENCE.match(line)
        if fence:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = ""
            lines[index] = " " * len(line)
        elif match:
            fence = match.group(1)
            lines[index] = " " * len(line)
    return "\n".join(lines)


_LIST_ITEM = re.compile(r" {0,3}(?:[-*+]|\d+[.)])\s")


def _mask_indented(text: str) -> str:
    """Indented code blocks (4 spaces after a blank line, outside lists) blanked out."""
    lines = text.split("\n")
    in_code = in_list = False
    previous_blank = True
    for index, line in enumerate(lines):
        blank = not line.strip()
        indented = line.startswith(("    ", "\t"))
        if in_code and not (blank or indented):
            in_code = False
        if not in_code and indented and previous_blank and not in_list:
            in_code = True
        if in_code:
            lines[index] = " " * len(line)
        elif not blank and not indented:
            in_list = bool(_LIST_ITEM.match(line))
        previous_blank = blank
    return "\n".join(lines)


def _mask_code(text: str) -> str:
    masked = _mask_indented(_mask_fences(text))
    for match in _CODE_SPAN.finditer(masked):
        masked = _blank(masked, match.start(), match.end())
    return masked


@lru_cache(maxsize=65536)
def scan(text: str) -> Scan:
    """Ids mentioned outside code and links, and every link and image target (each text
    scanned once in a process: the rules and the build's link check both ask)."""
    masked = _mask_code(text)
    targets: list[Target] = []
    for match in _LINK.finditer(masked):
        targets.append(Target(match.group(3), match.start(3), bool(match.group(1))))
    for match in _REF_DEF.finditer(masked):
        targets.append(Target(match.group(1), match.start(1), False))
    for match in _RAW_TARGET.finditer(masked):
        targets.append(Target(match.group(2), match.start(2), match.group(1).lower() == "img"))
    for pattern in (_LINK, _REF_LINK, _REF_DEF, _RAW_A, _AUTOLINK, _TAG):
        for match in pattern.finditer(masked):
            masked = _blank(masked, match.start(), match.end())
    mentions = tuple(Mention(m.group(0), m.start()) for m in MENTION.finditer(masked))
    return Scan(mentions, tuple(sorted(targets, key=lambda t: t.offset)))
