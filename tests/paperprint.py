"""A fingerprint of the paper's wording, so tests can catch pasted sentences without the paper.

The repository must not contain the paper's text, and the tests must not depend on files outside
the repository. So we ship only hashes, in two fixtures made from the paper by
``python tests/paperprint.py PATH-TO-PAPER.txt``:

``tests/fixtures/paper-ngrams.txt`` (exact copies)
    the hash of every run of ``N`` = 8 consecutive words in the paper (10 until session 27, when a
    fidelity review held the course to 8). A run of 8 words in our
    text whose hash is in that set was copied word for word.

``tests/fixtures/paper-shingles.txt`` (near-copies)
    the paper cut into overlapping blocks of ``BLOCK`` = 40 words (a new block every ``STRIDE`` = 20
    words, so any stretch of up to 20 words lies wholly inside one block); one line per block,
    holding the short hashes of every 3-word shingle in it. Order is not kept inside a line.

How a near-copy is found (:func:`near_copies`). Slide a window of ``WINDOW`` = 16 words over our
text. For each block of the paper, mark the words of the window that belong to a 3-word shingle
also found in that block. The window's *coverage* is the largest share of its words marked by any
one block. A window whose coverage is at least ``THRESHOLD`` = 0.8 (13 of 16 words) is reported.

Why these numbers. Changing one word in a copied sentence breaks at most three shingles but
leaves the words either side covered, so a 16-word window with one word changed still scores
15/16 = 0.94 and two changes about 0.88. The near-copies a tutor's review found (issue 11: 16 of
17 words kept in lesson 01, 14 of 16 in 04, 15 of 18 in 09, 18 of 20 in 10) score 0.81 to 0.94. A
paraphrase on the same subject shares only the domain's stock phrases ("communities of practice",
"people who use services"): when this guard was written, the lessons written in our own words
scored at most 0.69, and windows at 0.75 were close paraphrases padded with stock phrases. So 0.8
sits in the gap between the two. A short quoted phrase of a few words cannot reach 13 of 16 words
on its own. Words are lower-cased letters only
(numbers and punctuation dropped), and the PDF's split ligatures ("fi nd") are joined first.

The fingerprints are hashes, not the text: they tell whether a given run of words is in the
paper, but reading the paper back from them would take a search over guessed wording.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

N = 8
K = 3            # words per shingle
BLOCK = 40       # words per paper block
STRIDE = 20      # a new block every STRIDE words (STRIDE <= BLOCK - WINDOW keeps any window inside a block)
WINDOW = 16      # words per window of our text
THRESHOLD = 0.8  # share of a window's words that, in runs of K or more, come from one block
# The short guard: a clause of about a dozen words copied with one word changed ("people can learn
# from one another by ..." for the paper's "... from ...") scores under THRESHOLD in a 16-word
# window padded with our own words, but 11 of 12 in a 12-word window. The paper's own titles
# (a section heading, Table 2's caption), which the course names as titles, are masked first.
SHORT_WINDOW = 12
SHORT_THRESHOLD = 11 / 12
PAPER_TITLES = (
    "learning organisations and communities of practice",
    "learning organisations and learning cultures in social work",
    "helping a community learn and develop its practice",
    "interagency working and involving people who use services",
    "the future of communities of practice in social work",
    "some essential features of adair s three domains applied to social work",
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FIXTURE = FIXTURES / "paper-ngrams.txt"
SHINGLE_FIXTURE = FIXTURES / "paper-shingles.txt"
# The PDF extraction splits ligatures: "fi nd" is "find", "signifi cant" is "significant".
_LIGATURE = re.compile(r"\b(\w*?)(fi|fl|ff|ffi|ffl) (\w)")


def words(text: str) -> list[str]:
    text = _LIGATURE.sub(r"\1\2\3", text)
    return re.findall(r"[a-z]+", text.lower())


def _hash(gram: str) -> str:
    return hashlib.sha1(gram.encode()).hexdigest()[:12]


def _short(gram: str) -> str:
    return hashlib.sha1(("shingle:" + gram).encode()).hexdigest()[:8]


def ngrams(text: str, n: int = N, titles: tuple[str, ...] = ()) -> Iterator[tuple[str, str]]:
    w = masked_words(text, titles) if titles else words(text)
    for i in range(len(w) - n + 1):
        gram = " ".join(w[i:i + n])
        yield gram, _hash(gram)


def load() -> set[str]:
    return set(FIXTURE.read_text().split())


def copied_runs(text: str, prints: set[str] | None = None, titles: tuple[str, ...] = ()) -> list[str]:
    """The runs of N words in ``text`` that also appear in the paper (``titles``, the paper's own titles that the
    course names as titles, masked first)."""
    prints = load() if prints is None else prints
    return [gram for gram, h in ngrams(text, titles=titles) if h in prints]


# ---- near-copies ---------------------------------------------------------------------------

def _shingles(w: list[str]) -> list[str]:
    return [_short(" ".join(w[i:i + K])) for i in range(len(w) - K + 1)]


def paper_blocks(paper_text: str) -> list[set[str]]:
    """The paper as overlapping blocks of shingle hashes (what the fixture stores)."""
    w = words(paper_text)
    starts = list(range(0, max(len(w) - BLOCK, 0) + 1, STRIDE))
    if starts[-1] + BLOCK < len(w):
        starts.append(len(w) - BLOCK)
    return [set(_shingles(w[s:s + BLOCK])) for s in starts]


def load_blocks() -> dict[str, list[int]]:
    """Index of the fixture: shingle hash -> the blocks it occurs in."""
    index: dict[str, list[int]] = defaultdict(list)
    for b, line in enumerate(SHINGLE_FIXTURE.read_text().splitlines()):
        for h in line.split():
            index[h].append(b)
    return dict(index)


@dataclass(frozen=True)
class NearCopy:
    """A stretch of our text whose wording mostly comes from one place in the paper."""
    passage: str      # our words (lower-cased, punctuation dropped) in the flagged stretch
    coverage: float   # best window's share of words that come from one paper block

    def __str__(self) -> str:
        return f"{self.coverage:.0%} from one passage of the paper: {self.passage!r}"


def masked_words(text: str, titles: tuple[str, ...] = ()) -> list[str]:
    """``words(text)`` with each occurrence of one of ``titles`` replaced by a word the paper never has."""
    w = words(text)
    for title in titles:
        t = title.split()
        i = 0
        while i <= len(w) - len(t):
            if w[i:i + len(t)] == t:
                w[i:i + len(t)] = ["\u00a7"] * len(t)  # "§": not a-z, so in no shingle of the paper
                i += len(t)
            else:
                i += 1
    return w


def coverage_by_window(text: str, index: dict[str, list[int]], window: int = WINDOW,
                       titles: tuple[str, ...] = ()) -> list[float]:
    """For each window of ``window`` words in ``text``, the best coverage by one paper block."""
    w = masked_words(text, titles)
    sh = _shingles(w)
    blocks_at = [index.get(h, ()) for h in sh]
    out = []
    for s in range(max(len(w) - window + 1, 0)):
        covered: dict[int, set[int]] = defaultdict(set)
        for i in range(s, s + window - K + 1):
            for b in blocks_at[i]:
                covered[b].update((i, i + 1, i + 2))
        out.append(max((len(c) for c in covered.values()), default=0) / window)
    return out


def near_copies(text: str, index: dict[str, list[int]] | None = None,
                threshold: float = THRESHOLD, window: int = WINDOW,
                titles: tuple[str, ...] = ()) -> list[NearCopy]:
    """The stretches of ``text`` that copy a passage of the paper with a few words changed.

    Overlapping flagged windows are merged into one stretch.
    """
    index = load_blocks() if index is None else index
    w = masked_words(text, titles)
    cov = coverage_by_window(text, index, window, titles)
    hits: list[NearCopy] = []
    s = 0
    while s < len(cov):
        if cov[s] >= threshold:
            e = s
            while e + 1 < len(cov) and cov[e + 1] >= threshold:
                e += 1
            hits.append(NearCopy(" ".join(w[s:e + window]), max(cov[s:e + 1])))
            s = e + window
        else:
            s += 1
    return hits


if __name__ == "__main__":
    paper = Path(sys.argv[1]).read_text(encoding="utf-8")
    hashes = sorted({h for _, h in ngrams(paper)})
    FIXTURES.mkdir(exist_ok=True)
    FIXTURE.write_text("\n".join(hashes) + "\n")
    blocks = paper_blocks(paper)
    SHINGLE_FIXTURE.write_text("\n".join(" ".join(sorted(b)) for b in blocks) + "\n")
    print(f"{len(hashes)} {N}-word runs fingerprinted into {FIXTURE}")
    print(f"{len(blocks)} blocks of {K}-word shingles fingerprinted into {SHINGLE_FIXTURE}")
