"""Paraphrase, never paste: no run of 10 words from the paper appears in anything we ship.

Uses the hashed fingerprint in tests/fixtures (see tests/paperprint.py), so it runs without the
paper's text. A short quoted phrase (a few words) passes; a copied sentence fails.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from paperprint import N, copied_runs, load

REPO = Path(__file__).resolve().parents[1]
PRINTS = load()


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


def test_the_fingerprint_catches_a_pasted_sentence():
    pasted = ("Social work aims to enhance people's autonomy, self-direction and independence yet this has "
              "been juxtaposed with the social monitoring")
    assert copied_runs(pasted, PRINTS)
    ours = "Social work sets out to widen people's autonomy, yet it is regulated by the state."
    assert copied_runs(ours, PRINTS) == []


@pytest.mark.parametrize("path", shipped_text_files(), ids=lambda p: str(p.relative_to(REPO)))
def test_no_sentence_is_copied_from_the_paper(path):
    runs = copied_runs(readable_text(path), PRINTS)
    assert not runs, f"{len(runs)} run(s) of {N} words copied from the paper, e.g. {runs[0]!r}"
