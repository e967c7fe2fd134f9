"""Geographic records → statistics: bus-stop coverage of an area from coordinates.

* :func:`points_within_radius` — which points lie within a radius of any centre (exact,
  sort-based, numpy only);
* :func:`bus_stop_coverage_share` — share of an area grid within the catchment of a stop;
* :func:`bus_stop_coverage` — covered and assessed area per region and year as canonical long
  rows (``bus_stop_covered_area``, ``bus_stop_assessed_area`` [平方公里]), which
  :func:`greenplan.compute` turns into ``bus_stop_500m_coverage``.

The catchment radius (500 m) is data with provenance in ``resources/factors/urban_parameters.csv``
(:func:`urban_parameter`). Coordinates are projected [m] (e.g. CGCS2000 Gauss–Krüger).

References
----------
.. [Plan] 济南市“十四五”绿色低碳循环发展规划 (2022), 六(二): 中心城区公交站点实现500米全覆盖.
.. [GB51328] GB/T 51328-2018 城市综合交通体系规划标准 (stop catchment as a buffer) [M].
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from greenplan._numeric import share_percent
from greenplan._resources import read_resource_csv
from greenplan.records._tables import long_rows
from greenplan.regions import CITY
from greenplan.units import factor

__all__ = [
    "bus_stop_coverage",
    "bus_stop_coverage_share",
    "points_within_radius",
    "urban_parameter",
]

AREA_UNIT = "平方公里"


@cache
def _parameters() -> dict[str, dict[str, str]]:
    return {row["key"].strip(): row for row in read_resource_csv("factors", "urban_parameters.csv")}


def urban_parameter(key: str) -> dict[str, str]:
    """Return a parameter of this module and its provenance (``factors/urban_parameters.csv``).

    Parameters
    ----------
    key : str
        ``"bus_stop_radius"``.

    Returns
    -------
    dict
        ``value``, ``unit``, ``description``, ``source``, ``edition``, ``basis``,
        ``confidence`` (strings, as in the CSV).

    Examples
    --------
    >>> p = urban_parameter("bus_stop_radius")
    >>> p["value"], p["unit"]
    ('500', 'm')
    """
    table = _parameters()
    if key not in table:
        raise KeyError(f"Unknown urban parameter {key!r}; known: {', '.join(sorted(table))}.")
    return dict(table[key])


def _default_radius() -> float:
    row = urban_parameter("bus_stop_radius")
    return float(row["value"]) * factor(row["unit"], "m")


def points_within_radius(
    points: Any,
    centres: Any,
    radius: float,
    *,
    chunk_size: int = 1024,
) -> np.ndarray:
    """Whether each point lies within ``radius`` of at least one centre.

    Parameters
    ----------
    points : array-like, shape (n, 2)
        Projected coordinates ``(x, y)`` [m] (e.g. CGCS2000 Gauss–Krüger).
    centres : array-like, shape (m, 2)
        Projected coordinates of the centres (bus stops) [m], same CRS.
    radius : float
        Distance [m]; a point at exactly ``radius`` is within.
    chunk_size : int, default 1024
        Points handled per block (bounds memory to about ``chunk_size × 4096`` distances).

    Returns
    -------
    numpy.ndarray of bool, shape (n,)
        True where the nearest centre is at most ``radius`` away (straight line). Points or
        centres with NaN coordinates never match.

    Notes
    -----
    Sort-based and chunked, numpy only: centres are sorted by x; points are sorted by x and
    cut into blocks; each block is compared only with the centres whose x lies within
    ``radius`` of the block's x range (and y within its y range), by broadcasting squared
    distances. Exact, with cost close to ``n ×`` (centres near each point).

    References
    ----------
    济南市“十四五”绿色低碳循环发展规划 (2022), 六(二): 中心城区公交站点实现500米全覆盖.

    Examples
    --------
    >>> points_within_radius([[0, 0], [300, 400], [600, 0]], [[0, 0]], 500.0)  # 3-4-5
    array([ True,  True, False])
    """
    p = np.asarray(points, dtype="float64").reshape(-1, 2)
    c = np.asarray(centres, dtype="float64").reshape(-1, 2)
    out = np.zeros(len(p), dtype=bool)
    c = c[np.isfinite(c).all(axis=1)]
    if len(p) == 0 or len(c) == 0 or not radius >= 0:
        return out
    c = c[np.argsort(c[:, 0], kind="stable")]
    cx, cy = c[:, 0], c[:, 1]
    finite = np.flatnonzero(np.isfinite(p).all(axis=1))
    order = finite[np.lexsort((p[finite, 1], p[finite, 0]))]
    r2 = float(radius) ** 2
    # The x/y band only preselects candidates; widen it by 1 µm so rounding in the band's
    # bounds never drops a centre that the exact test below would accept.
    pad = float(radius) + 1e-6
    block = 4096
    for start in range(0, len(order), chunk_size):  # over blocks of points, not rows
        idx = order[start : start + chunk_size]
        px, py = p[idx, 0], p[idx, 1]
        lo = np.searchsorted(cx, px.min() - pad, side="left")
        hi = np.searchsorted(cx, px.max() + pad, side="right")
        if lo == hi:
            continue
        sx, sy = cx[lo:hi], cy[lo:hi]
        near = (sy >= py.min() - pad) & (sy <= py.max() + pad)
        sx, sy = sx[near], sy[near]
        hit = np.zeros(len(idx), dtype=bool)
        for s0 in range(0, len(sx), block):
            dx = px[:, None] - sx[None, s0 : s0 + block]
            dy = py[:, None] - sy[None, s0 : s0 + block]
            hit |= ((dx * dx + dy * dy) <= r2).any(axis=1)
        out[idx] = hit
    return out


def bus_stop_coverage_share(
    stops_xy: Any,
    cells_xy: Any,
    cell_area: Any = 1.0,
    radius: float | None = None,
) -> float:
    r"""Share of an area grid within ``radius`` of any bus stop.

    Parameters
    ----------
    stops_xy : array-like, shape (m, 2)
        Bus stop coordinates [m], projected CRS.
    cells_xy : array-like, shape (n, 2)
        Centroids of the grid cells covering the assessed area [m], same CRS.
    cell_area : float or array-like, shape (n,), default 1
        Area of each cell [any area unit, e.g. 平方米; the share does not depend on it].
    radius : float, optional
        Catchment radius [m]; default ``urban_parameter("bus_stop_radius")`` (500 m, plan
        六(二)).

    Returns
    -------
    float
        Covered share of the grid's area [%]; NaN for an empty grid or zero total area.

    Notes
    -----
    .. math:: s = 100 \cdot \frac{\sum_i a_i [d_i \le r]}{\sum_i a_i}

    with :math:`d_i` the straight-line distance from cell centroid *i* to the nearest stop.
    A cell counts as covered when its centroid is within the radius, so the error is of the
    order of the cell size along the edge of the catchments: use cells of 50 m or less.

    References
    ----------
    济南市“十四五”绿色低碳循环发展规划 (2022), 六(二): 中心城区公交站点实现500米全覆盖.

    Examples
    --------
    >>> bus_stop_coverage_share([[0, 0]], [[0, 0], [300, 400], [600, 0], [0, 600]], radius=500.0)
    50.0
    """
    r = _default_radius() if radius is None else float(radius)
    cells = np.asarray(cells_xy, dtype="float64").reshape(-1, 2)
    area = np.broadcast_to(np.asarray(cell_area, dtype="float64"), (len(cells),))
    covered = points_within_radius(cells, stops_xy, r)
    return float(share_percent(float(area[covered].sum()), float(area.sum())))


def bus_stop_coverage(
    stops: pd.DataFrame | np.ndarray,
    grid: pd.DataFrame | np.ndarray,
    *,
    cell_area: float | None = None,
    radius: float | None = None,
    year: int | None = None,
    region: str = CITY,
) -> pd.DataFrame:
    """Covered and assessed area of the central urban area, from stops and an area grid.

    Parameters
    ----------
    stops : pandas.DataFrame or array (m, 2)
        Bus stops: columns ``x``, ``y`` [m, projected CRS] and optionally ``year`` (stops in
        service that year; without it every stop serves every year).
    grid : pandas.DataFrame or array (n, 2)
        Cells covering the assessed area (the central city's built-up area): columns ``x``,
        ``y`` (centroid) [m], optionally ``area`` [m²], ``region`` and ``year``.
    cell_area : float, optional
        Area of every cell [m²] when the grid has no ``area`` column (e.g. 2500 for 50 m
        cells).
    radius : float, optional
        Catchment radius [m]; default 500 (``urban_parameter("bus_stop_radius")``).
    year : int, optional
        Year of the rows when neither the grid nor the stops have a ``year`` column.
    region : str, default ``"济南市"``
        Region of the rows when the grid has no ``region`` column (the central urban area is
        recorded on the city).

    Returns
    -------
    pandas.DataFrame
        Canonical long rows ``region, year, variable, value, unit`` with
        ``bus_stop_covered_area`` and ``bus_stop_assessed_area`` [平方公里] per region and year;
        ``compute`` turns them into ``bus_stop_500m_coverage``.

    Raises
    ------
    ValueError
        Missing ``x``/``y``, no cell area, or no year.

    Notes
    -----
    Stops serve every cell whatever region they are in (a stop across a district boundary
    still covers the cells near it). See :func:`bus_stop_coverage_share` for the coverage
    rule (cell centroid within the radius, straight-line distance).

    Examples
    --------
    >>> grid = pd.DataFrame({"x": [0, 300, 600, 0], "y": [0, 400, 0, 600]})
    >>> out = bus_stop_coverage(pd.DataFrame({"x": [0], "y": [0]}), grid, cell_area=2500.0,
    ...                         radius=500.0, year=2024)
    >>> [round(v, 6) for v in out["value"]]  # 2 and 4 cells of 2500 m²
    [0.005, 0.01]
    """
    r = _default_radius() if radius is None else float(radius)
    s = _as_xy_frame(stops, "stops")
    g = _as_xy_frame(grid, "grid")
    if "area" not in g.columns:
        if cell_area is None:
            raise ValueError("Give the grid an 'area' column [m²] or pass cell_area= [m²].")
        g["area"] = float(cell_area)
    if "region" not in g.columns:
        g["region"] = region
    if "year" not in g.columns:
        if "year" in s.columns:
            years = np.sort(s["year"].dropna().unique().astype("int64"))
            g = g.merge(pd.DataFrame({"year": years}), how="cross")
        elif year is not None:
            g["year"] = int(year)
        else:
            raise ValueError("No year: give the grid or the stops a 'year' column, or pass year=.")
    g["year"] = g["year"].astype("int64")
    covered = np.zeros(len(g), dtype=bool)
    for y in np.unique(g["year"].to_numpy()):  # over years (a handful), vectorised inside
        in_year = (g["year"] == y).to_numpy()
        stops_y = s[s["year"] == y] if "year" in s.columns else s
        covered[in_year] = points_within_radius(
            g.loc[in_year, ["x", "y"]].to_numpy(), stops_y[["x", "y"]].to_numpy(), r
        )
    to_km2 = factor("m^2", AREA_UNIT)
    g["bus_stop_covered_area"] = np.where(covered, g["area"].to_numpy(), 0.0) * to_km2
    g["bus_stop_assessed_area"] = g["area"] * to_km2
    sums = g.groupby(["region", "year"])[["bus_stop_covered_area", "bus_stop_assessed_area"]].sum()
    return long_rows(sums, AREA_UNIT)


def _as_xy_frame(data: pd.DataFrame | np.ndarray, what: str) -> pd.DataFrame:
    if isinstance(data, pd.DataFrame):
        missing = [c for c in ("x", "y") if c not in data.columns]
        if missing:
            raise ValueError(f"The {what} need columns x and y [m]; missing {', '.join(missing)}.")
        return data.copy()
    arr = np.asarray(data, dtype="float64").reshape(-1, 2)
    return pd.DataFrame({"x": arr[:, 0], "y": arr[:, 1]})
