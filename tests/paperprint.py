"""A fingerprint of the paper's wording, so tests can catch pasted sentences without the paper.

The repository must not contain the paper's text, and the tests must not depend on files outside
the repository. So we ship only hashes of every run of ``N`` consecutive words in the paper
(``tests/fixtures/paper-ngrams.txt``); a run of N words in our text whose hash is in that set was
copied. Regenerate with ``python tests/paperprint.py PATH-TO-PAPER.txt``.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Iterator
from pathlib import Path

N = 10
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "paper-ngrams.txt"
# The PDF extraction splits ligatures: "fi nd" is "find", "signifi cant" is "significant".
_LIGATURE = re.compile(r"\b(\w*?)(fi|fl|ff|ffi|ffl) (\w)")


def words(text: str) -> list[str]:
    text = _LIGATURE.sub(r"\1\2\3", text)
    return re.findall(r"[a-z]+", text.lower())


def _hash(gram: str) -> str:
    return hashlib.sha1(gram.encode()).hexdigest()[:12]


def ngrams(text: str, n: int = N) -> Iterator[tuple[str, str]]:
    w = words(text)
    for i in range(len(w) - n + 1):
        gram = " ".join(w[i:i + n])
        yield gram, _hash(gram)


def load() -> set[str]:
    return set(FIXTURE.read_text().split())


def copied_runs(text: str, prints: set[str] | None = None) -> list[str]:
    """The runs of N words in ``text`` that also appear in the paper."""
    prints = load() if prints is None else prints
    return [gram for gram, h in ngrams(text) if h in prints]


if __name__ == "__main__":
    paper = Path(sys.argv[1]).read_text(encoding="utf-8")
    hashes = sorted({h for _, h in ngrams(paper)})
    FIXTURE.parent.mkdir(exist_ok=True)
    FIXTURE.write_text("\n".join(hashes) + "\n")
    print(f"{len(hashes)} {N}-word runs fingerprinted into {FIXTURE}")
