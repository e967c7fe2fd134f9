"""The greenplan service: an HTTP API over a submission store.

Install it with ``pip install "greenplan[service]"``.

* :mod:`greenplan.service.store` — the store (DuckDB file or PostgreSQL), history, tokens;
* :mod:`greenplan.service.access` — roles, scopes and token hashing;
* :mod:`greenplan.service.intake` — validating a submission and checking its scope;
* :mod:`greenplan.service.app` — the FastAPI application (:func:`create_app`);
* :mod:`greenplan.service.routes` — its endpoints, one ``APIRouter`` per area;
* :mod:`greenplan.service.deps` — what the endpoints share (state, tokens and roles, language);
* :mod:`greenplan.service.cache` — indicators, progress and reports cached per store version.

``greenplan serve`` runs it; ``greenplan token add`` creates tokens. See docs/service.md.
"""

from __future__ import annotations
