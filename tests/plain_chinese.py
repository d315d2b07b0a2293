"""What "one plain Chinese sentence, no traceback, no English" means, for every test that checks it.

Why a shared helper: the fault matrix, the config tests and the room tests must hold the same
line. Identifiers a technician types (`timeout_s`, `--platform-url`, paths, `catalogue list`) are
fine inside a Chinese sentence; English prose from a library (`unable to open database file`,
`'utf-8' codec can't decode`, `File exists`, `Expected ']' at the end`) is not.
"""

from __future__ import annotations

import re

# Words that only ever reach a message from an exception's English text.
_LIBRARY_WORDS = re.compile(
    r"Traceback|Errno|Error\b|Exception|codec|\bexists\b|\binvalid\b|\bInvalid\b|\bfailed\b|denied|"
    r"[Dd]irectory|\bunable\b|\bcannot\b|can't|\bExpected\b|\bvalue\b|[Nn]ot a number")
# Three or more plain English words in a row is prose, not an identifier or a command.
_PROSE = re.compile(r"(?<![\w./-])[A-Za-z]{2,}(?:'[a-z]+)?(?: [A-Za-z]{2,}(?:'[a-z]+)?){2,}(?![\w./-])")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_PATHS = re.compile(r"\S*/\S*")


def english_in(text: str) -> list[str]:
    """The English prose found in `text` (paths removed first), or [] when there is none."""
    stripped = _PATHS.sub(" ", text)
    return _LIBRARY_WORDS.findall(stripped) + _PROSE.findall(stripped)


def assert_plain_chinese(message: str, *, lines: int | None = 1) -> None:
    """`message` (a command's stderr) is Chinese, names no exception, has no English prose and, by
    default, is exactly one line."""
    text = message.strip()
    assert text, "nothing was said"
    assert "Traceback" not in text, text
    assert _CJK.search(text), f"not Chinese: {text!r}"
    assert english_in(text) == [], f"English in {text!r}: {english_in(text)}"
    if lines is not None:
        assert len(text.splitlines()) == lines, f"expected {lines} line(s): {text!r}"
