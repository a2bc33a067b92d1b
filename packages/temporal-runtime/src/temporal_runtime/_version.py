"""The version of temporal-runtime, written here and nowhere else.

All six distributions are released together at this version: each one's build reads it
(``[tool.hatch.version]`` in ``packages/*/pyproject.toml``) and pins its siblings to it
(``hatch_build.py``). A literal, not ``importlib.metadata.version()``, because importing
``importlib.metadata`` slows every ``import temporal_runtime`` down.
"""

__version__ = "0.1.0"
"""The version of temporal-runtime (all six distributions), e.g. ``"0.1.0"``."""
