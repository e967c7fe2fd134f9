"""Print what ``greenplan.validate`` and ``greenplan.compute`` make of each file given.

For comparing two installations of greenplan on the same files: CI runs it with the test
environment (pyarrow installed: pandas keeps texts in Arrow and greenplan reads them by its
Arrow paths) and with the core dependencies only (no pyarrow: texts are Python objects and
greenplan takes its other paths), and requires the two outputs to be identical.

For each file: the findings as JSON (English), the accepted table as CSV, and, when the file
reads without errors, every computable indicator as CSV.

Usage::

    python scripts/validate_corpus.py FILE [FILE ...] > out.txt
"""

from __future__ import annotations

import sys

import greenplan as gp


def main(paths: list[str]) -> int:
    out = sys.stdout
    for path in paths:
        report = gp.validate(path)
        out.write(f"== {path}\n{report.to_json(lang='en')}\n")
        table = report.table
        out.write("" if table is None else table.to_csv(index=False))
        if report.ok and table is not None and len(table):
            out.write(gp.compute(gp.read_statistics(path)).to_csv(index=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
