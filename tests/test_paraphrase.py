"""Paraphrase, never paste: nothing we ship copies the paper's sentences, word for word or nearly.

Two guards, both using hashed fingerprints in tests/fixtures (see tests/paperprint.py), so they run
without the paper's text:

- exact copies: no run of 10 words from the paper appears in anything we ship;
- near-copies: no 16-word stretch takes 13 or more of its words, in runs of three or more, from one
  passage of the paper (a copied sentence with a word or two changed).

A short quoted phrase (a few words, with a citation) passes; a copied or lightly edited sentence
fails. To fix a failure, rewrite the passage in your own words: change the sentence's structure,
not just a word, and keep the citation.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from paperprint import N, THRESHOLD, WINDOW, copied_runs, coverage_by_window, load, load_blocks, near_copies

REPO = Path(__file__).resolve().parents[1]
PRINTS = load()
BLOCKS = load_blocks()

# Files that another stream of issue 11 is rewriting (§6). Each stays marked as an expected failure
# (not strict, so a fixed file simply passes) until that work is merged; then delete its line.
PENDING_NEAR_COPIES = {
    "course/08-supervision-and-communities-of-practice.ipynb": "lessons 06-11: contentB",
    "course/09-looking-outward.ipynb": "lessons 06-11: contentB",
    "course/10-surviving-and-shaping-the-organisation.ipynb": "lessons 06-11: contentB",
    "course/11-leading-a-community-of-practice.ipynb": "lessons 06-11: contentB",
    "examples/team-survey.csv": "Table 2 wording of the audit: lead",
    "src/coplearn/data/audit.toml": "Table 2 wording of the audit: lead",
    "src/coplearn/data/concepts.toml": "concept summaries: lead",
    "src/coplearn/organisation.py": "interface advice (lesson 10): contentB/lead",
}


def shipped_text_files() -> list[Path]:
    files: list[Path] = []
    for pattern in ("src/coplearn/**/*.toml", "src/coplearn/**/*.py", "course/*.ipynb", "solutions/**/*.ipynb",
                    "exercises/**/*.ipynb", "docs/**/*.md", "README.md", "examples/**/*.*"):
        files += [p for p in REPO.glob(pattern) if p.is_file() and p.suffix in {".toml", ".py", ".ipynb", ".md", ".csv", ".json"}]
    return sorted(set(files))


def readable_text(path: Path) -> str:
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text(encoding="utf-8"))
        return "\n".join("".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in nb["cells"])
    return path.read_text(encoding="utf-8", errors="replace")


PASTED = ("Social work aims to enhance people's autonomy, self-direction and independence yet this has "
          "been juxtaposed with the social monitoring")
# The same sentence with one word changed: the exact-copy guard misses it, the near-copy guard must not.
ONE_WORD_CHANGED = ("The profession aims to enhance people's autonomy, self-direction plus independence yet this "
                    "has been juxtaposed with the social")
OURS = ("Social work sets out to widen people's autonomy, yet it is a profession that the state approves "
        "and regulates, and much of its work is monitoring.")


def test_the_fingerprint_catches_a_pasted_sentence():
    assert copied_runs(PASTED, PRINTS)
    assert copied_runs(OURS, PRINTS) == []


def test_the_near_copy_guard_catches_a_sentence_with_one_word_changed():
    assert copied_runs(ONE_WORD_CHANGED, PRINTS) == [], "the exact guard should not see this one"
    hits = near_copies(ONE_WORD_CHANGED, BLOCKS)
    assert hits and hits[0].coverage >= 0.9
    assert near_copies(OURS, BLOCKS) == []


def test_threshold_sits_between_paraphrase_and_copy():
    copy = max(coverage_by_window(ONE_WORD_CHANGED, BLOCKS))
    ours = max(coverage_by_window(OURS, BLOCKS))
    assert ours < THRESHOLD <= copy


def test_a_short_quoted_phrase_passes():
    text = ("Wenger saw such groups as ways of 'ameliorating institutionally generated conflicts' "
            "(Wenger 1998, p. 46, cited in Gray et al. 2010), which is to say that they help people "
            "cope with tensions their employer creates.")
    assert near_copies(text, BLOCKS) == []


def _params(paths: list[Path], pending: dict[str, str]) -> list:
    out = []
    for p in paths:
        rel = str(p.relative_to(REPO))
        marks = [pytest.mark.xfail(reason=f"being rewritten ({pending[rel]})", strict=False)] if rel in pending else []
        out.append(pytest.param(p, id=rel, marks=marks))
    return out


@pytest.mark.parametrize("path", shipped_text_files(), ids=lambda p: str(p.relative_to(REPO)))
def test_no_sentence_is_copied_from_the_paper(path):
    runs = copied_runs(readable_text(path), PRINTS)
    assert not runs, f"{len(runs)} run(s) of {N} words copied from the paper, e.g. {runs[0]!r}"


@pytest.mark.parametrize("path", _params(shipped_text_files(), PENDING_NEAR_COPIES))
def test_no_sentence_is_a_near_copy_of_the_paper(path):
    hits = near_copies(readable_text(path), BLOCKS)
    listing = "\n".join(f"  - {h}" for h in hits)
    assert not hits, (
        f"{path.relative_to(REPO)}: {len(hits)} passage(s) keep the paper's wording with only a few words "
        f"changed (threshold: {THRESHOLD:.0%} of a {WINDOW}-word stretch):\n{listing}\n"
        "Rewrite each in your own words (new sentence structure, not a swapped word) and keep the citation.")
