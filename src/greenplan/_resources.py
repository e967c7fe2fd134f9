"""Where greenplan's files are: package resources and the shipped datasets."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import Generic, TypeVar

from greenplan.options import did_you_mean

__all__ = ["LazyMapping", "data_dir", "read_resource_csv", "resource_path"]

K = TypeVar("K")
V = TypeVar("V")


def resource_path(*parts: str) -> Path:
    """Path of a file under ``greenplan/resources`` (always inside the package)."""
    node = resources.files("greenplan") / "resources"
    for part in parts:
        node = node / part
    return Path(str(node))


def data_dir() -> Path:
    """Directory of the datasets that ship with greenplan (``data/`` of the repository).

    In a wheel they are installed as ``greenplan/data``; in an editable install or a source
    checkout they are read from the repository's top-level ``data/``.
    """
    inside = Path(str(resources.files("greenplan"))) / "data"
    if inside.is_dir():
        return inside
    root = Path(__file__).resolve().parents[2]  # src/greenplan/_resources.py → the checkout
    repo = root / "data"
    if repo.is_dir() and (root / "pyproject.toml").is_file():
        return repo
    raise FileNotFoundError(  # pragma: no cover - a broken installation
        "greenplan's data directory is missing: reinstall greenplan (pip install greenplan)."
    )


def read_resource_csv(*parts: str) -> list[dict[str, str]]:
    """Rows of a CSV resource as dicts of strings (UTF-8, ``#`` lines are comments)."""
    path = resource_path(*parts)
    with path.open(encoding="utf-8", newline="") as fh:
        lines = (line for line in fh if not line.startswith("#"))
        return list(csv.DictReader(lines))


class LazyMapping(Mapping[K, V], Generic[K, V]):
    """A read-only mapping built on first access (keeps ``import greenplan`` cheap)."""

    def __init__(self, loader: Callable[[], dict[K, V]], name: str) -> None:
        self._loader = loader
        self._data: dict[K, V] | None = None
        self._name = name

    def _load(self) -> dict[K, V]:
        if self._data is None:
            self._data = self._loader()
        return self._data

    def __getitem__(self, key: K) -> V:
        data = self._load()
        try:
            return data[key]
        except KeyError:
            hint = did_you_mean(key, data)
            raise KeyError(f"{key!r} is not in {self._name}.{hint}") from None

    def __contains__(self, key: object) -> bool:
        # Direct lookup: Mapping's default goes through __getitem__ and would compute
        # "did you mean" suggestions for every miss.
        return key in self._load()

    def get(self, key: K, default: V | None = None) -> V | None:  # type: ignore[override]
        """Value for ``key``, or ``default`` (no suggestions computed for a miss)."""
        return self._load().get(key, default)

    def __iter__(self) -> Iterator[K]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())

    def __repr__(self) -> str:
        if self._data is None:
            return f"<{self._name} (not loaded yet)>"
        return f"<{self._name}: {len(self._data)} entries>"
