"""The course's Jinja templates (reports, exports, printable pages, the browser edition's first page)
and, under ``app/``, the app view's Voila configuration and template. Data files, not code; this
file only makes the folder a package, so that ``app/voila.py`` has a name of its own."""
