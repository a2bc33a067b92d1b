"""MkDocs hooks of the documentation site (#15), named in mkdocs.yml's ``hooks:``.

The docstrings use Sphinx's roles (``:class:`Workflow```, ``:meth:`~temporal_runtime.X.y```), which
mkdocstrings' Markdown renders literally as ":class:" before the code. Drop the role, and a ``~``
prefix's module path, so that the reference reads as the prose around it: ``Workflow``, ``y``.
"""

from __future__ import annotations

import re
from typing import Any

_ROLE = re.compile(r":(?:class|func|meth|attr|data|mod|exc|obj|const):(<code>)(~(?:[\w]+\.)*)?")


def on_page_content(html: str, **kwargs: Any) -> str:
    """Rendered HTML of a page, with the roles dropped."""
    return _ROLE.sub(r"\1", html)
