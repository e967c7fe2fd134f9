"""``python -m greenplan``: the same as the ``greenplan`` command."""

from greenplan.cli import main

raise SystemExit(main())
