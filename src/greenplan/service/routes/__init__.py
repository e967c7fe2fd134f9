"""The endpoints of the service, one :class:`fastapi.APIRouter` per OpenAPI tag.

* :mod:`.health` — ``GET /health`` (tag ``service``, no token);
* :mod:`.submissions` — ``POST /submissions``, ``GET /submissions``, ``GET /submissions/{id}``;
* :mod:`.statistics` — ``GET /statistics``;
* :mod:`.results` — ``GET /indicators``, ``GET /progress``, ``GET /report``;
* :mod:`.codelists` — ``GET /targets``, ``GET /variables`` (tag ``code lists``);
* :mod:`.access` — ``GET /tokens``, ``POST /tokens``, ``DELETE /tokens/{name}`` (admin).

:func:`greenplan.service.create_app` includes them in this order (the order of the paths in
the OpenAPI document). What they share is in :mod:`greenplan.service.deps`.
"""

from __future__ import annotations
