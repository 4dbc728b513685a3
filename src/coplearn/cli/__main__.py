"""``python -m coplearn.cli``: the same as the ``coplearn`` command."""

from coplearn.cli.main import main

raise SystemExit(main())
