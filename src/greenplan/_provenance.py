"""Provenance kept in ``DataFrame.attrs``: read-only, and shared instead of deep-copied.

pandas copies ``attrs`` with :func:`copy.deepcopy` into every frame it derives from another
(a filter, a slice, each group of a group-by, a column added …). A frame whose
``attrs["greenplan"]`` holds the findings of its reading, the options of its computation or a
plan's description would pay for a copy of all of it on every such operation: the cost issue
14 measured (352,933 ``deepcopy`` calls in one assessment; 0.4 ms a slice for 51 findings of
:func:`greenplan.read_statistics`). The containers here copy as themselves, so a derived frame
shares its parent's provenance at the cost of one small dict, and they refuse changes, so that
sharing them is safe: change a copy (``dict(info)``, ``list(findings)``) instead.

Both are subclasses of :class:`dict` and :class:`list`: they compare equal to plain ones,
serialise to JSON as plain ones, and pickle.

A leaf module (it imports nothing from greenplan), below every layer that writes ``attrs``.
"""

from __future__ import annotations

from typing import Any, NoReturn, Self, SupportsIndex

__all__ = ["FrozenList", "Provenance", "freeze"]

_READ_ONLY = "attrs are read-only (shared by derived frames); change a copy: dict(...), list(...)"


class _Shared:
    """What both containers do: copy as themselves, refuse every change."""

    __slots__ = ()

    def __deepcopy__(self, memo: dict[int, Any]) -> Self:
        return self

    def __copy__(self) -> Self:
        return self

    def _read_only(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError(_READ_ONLY)


class Provenance(_Shared, dict[str, Any]):
    """A read-only ``dict`` that copies as itself: ``df.attrs["greenplan"]`` of greenplan's outputs.

    Its nested dicts and lists are read-only too when made by :func:`freeze` (as greenplan
    makes them). ``copy.copy`` and ``copy.deepcopy`` return the object itself; ``dict(p)``
    gives a changeable (shallow) copy.

    Examples
    --------
    >>> import copy
    >>> p = freeze({"rows_read": 3, "sources": ["a.csv"]})
    >>> copy.deepcopy(p) is p, p == {"rows_read": 3, "sources": ["a.csv"]}
    (True, True)
    >>> p["rows_read"] = 4
    Traceback (most recent call last):
    ...
    TypeError: attrs are read-only (shared by derived frames); change a copy: dict(...), list(...)
    """

    __slots__ = ()

    def __reduce__(self) -> tuple[Any, ...]:
        # the default would rebuild the dict key by key through __setitem__, which refuses
        return (type(self)._restore, (dict(self),))

    @classmethod
    def _restore(cls, items: dict[str, Any]) -> Provenance:
        out = cls.__new__(cls)
        dict.update(out, items)
        return out

    __setitem__ = __delitem__ = _Shared._read_only
    clear = pop = popitem = setdefault = update = _Shared._read_only
    __ior__ = _Shared._read_only


class FrozenList(_Shared, list[Any]):
    """A read-only ``list`` that copies as itself (a list inside a :class:`Provenance`).

    Examples
    --------
    >>> f = FrozenList([1, 2])
    >>> f == [1, 2], list(f) + [3]
    (True, [1, 2, 3])
    """

    __slots__ = ()

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenList, (list(self),))

    __setitem__ = __delitem__ = _Shared._read_only
    append = extend = insert = pop = remove = clear = sort = reverse = _Shared._read_only
    __iadd__ = _Shared._read_only

    def __imul__(self, n: SupportsIndex) -> NoReturn:
        raise TypeError(_READ_ONLY)


def freeze(value: Any) -> Any:
    """Return ``value`` with its dicts as :class:`Provenance` and lists as :class:`FrozenList`.

    Nested dicts and lists, and those inside tuples, are frozen as well; tuples stay tuples
    and every other value is kept as it is (the same object).

    Examples
    --------
    >>> info = freeze({"options": {"base_year": 2020}, "indicators": ["gdp"]})
    >>> type(info).__name__, type(info["options"]).__name__, type(info["indicators"]).__name__
    ('Provenance', 'Provenance', 'FrozenList')
    """
    if isinstance(value, Provenance | FrozenList):
        return value
    if isinstance(value, dict):
        return Provenance._restore({k: freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return FrozenList(freeze(v) for v in value)
    if type(value) is tuple:
        return tuple(freeze(v) for v in value)
    return value
