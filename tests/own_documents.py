"""Documents of a learner's own, for the tests that check no export or report is written over them (walk28 H1).

``own_document(path)`` writes, at ``path``, what a team manager might keep by hand under that name (a Word document
made in Word, a web page or Markdown notes written by hand) and returns its bytes, so that a test can check that it
is left byte for byte as it was.
"""

from __future__ import annotations

import io
from pathlib import Path


def own_document(path: Path) -> bytes:
    """Write a document of the learner's own at ``path`` (by its ending: .docx, .html or .htm, else text)."""
    ending = path.suffix.lower()
    if ending == ".docx":
        import docx

        d = docx.Document()
        d.core_properties.title = "My CPD log 2025-26"
        d.add_heading("My CPD log 2025-26 (kept by hand)", level=1)
        d.add_paragraph("Supervision notes, training, reading ... DO NOT LOSE.")
        buf = io.BytesIO()
        d.save(buf)
        data = buf.getvalue()
    elif ending in (".html", ".htm"):
        data = (b"<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
                b"<title>My team notes</title>\n</head>\n<body><h1>My team notes</h1>\n"
                b"<p>Written by hand. DO NOT LOSE.</p></body>\n</html>\n")
    else:
        data = b"# My own notes\n\nWritten by hand, kept with the course. DO NOT LOSE.\n"
    path.write_bytes(data)
    return data
