"""The testing kit: ``from temporal_runtime.testing import WorkflowTester, ...``.

Installed by the ``testing`` extra (``pip install 'temporal-runtime[testing]'``); see
:mod:`temporal_runtime_testing` and docs/testing.md.
"""

from temporal_runtime_core import TemporalRuntimeError as _TemporalRuntimeError

try:
    from temporal_runtime_testing import *  # noqa: F403
    from temporal_runtime_testing import __all__ as __all__
except ModuleNotFoundError as exc:  # pragma: no cover - exercised by `nox -s build`
    if exc.name != "temporal_runtime_testing":
        raise
    raise ModuleNotFoundError(
        "temporal_runtime.testing needs the testing kit, which is not installed. Install the extra: "
        "pip install 'temporal-runtime[testing]' (or pip install temporal-runtime-testing).",
        name=exc.name,
    ) from None


def _print_errors_as_ours(names: list[str]) -> None:
    """The kit's errors print as `temporal_runtime.testing.MissingFakeError`, like the others in
    __init__."""
    for name in names:
        value = globals()[name]
        if isinstance(value, type) and issubclass(value, _TemporalRuntimeError):
            value.__module__ = __name__


_print_errors_as_ours(__all__)
del _print_errors_as_ours
