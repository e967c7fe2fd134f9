"""Sphinx configuration of the greenplan documentation site.

Build it with ``python -m sphinx -W -b html docs docs/_build/html`` (the ``docs`` extra:
``pip install ".[docs]"``). The pages are the Markdown files of this folder (MyST); the API
reference is generated from the numpydoc docstrings. Nothing is fetched from the network.
"""

from __future__ import annotations

import greenplan

project = "greenplan"
author = "greenplan developers"
copyright = "2026, greenplan developers"
version = release = greenplan.__version__
language = "en"

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

autodoc_default_options = {"members": False}
autodoc_typehints = "none"
autosummary_generate = False
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

html_theme = "alabaster"
html_title = f"greenplan {release}"
html_static_path: list[str] = []
