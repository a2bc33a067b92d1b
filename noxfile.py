"""Developer sessions. Run through ./dev so uv and the Python interpreters are set up:

./dev nox -s tests typecheck lint build examples
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import nox

nox.options.default_venv_backend = "uv"
nox.options.sessions = ["tests", "typecheck", "lint", "build", "examples"]

ROOT = Path(__file__).parent
PACKAGES = [
    "temporal-runtime-core",
    "temporal-runtime-workflow",
    "temporal-runtime-client",
    "temporal-runtime-engine",
    "temporal-runtime-testing",
    "temporal-runtime",
]


def _sync(session: nox.Session) -> None:
    """Install the locked workspace (all six packages, editable, plus dev tools) into the session venv."""
    session.run_install(
        "uv",
        "sync",
        "--locked",
        "--active",
        f"--python={session.virtualenv.location}",
        env={"UV_PROJECT_ENVIRONMENT": session.virtualenv.location},
    )


@nox.session(python=["3.12", "3.13"])
def tests(session: nox.Session) -> None:
    """The test suite (starts its own Temporal dev server)."""
    _sync(session)
    session.run("pytest", *session.posargs)


@nox.session(python="3.12")
def typecheck(session: nox.Session) -> None:
    """mypy --strict over packages, tests and examples; pyright over the typing tests."""
    _sync(session)
    session.run("mypy", "packages", "tests", "examples", "benchmarks")
    session.run("pyright")


@nox.session(python="3.12")
def lint(session: nox.Session) -> None:
    """ruff lint and format check."""
    _sync(session)
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(python="3.12")
def examples(session: nox.Session) -> None:
    """Run every example script."""
    _sync(session)
    for example in sorted((ROOT / "examples").glob("*.py")):
        if example.name.startswith("_"):
            continue
        session.log(f"running {example.name}")
        session.run("python", str(example))


@nox.session(python="3.12", venv_backend="uv")
def build(session: nox.Session) -> None:
    """Build the six wheels and sdists; install the meta wheel alone into a fresh venv and import it;
    then install its ``testing`` extra and check that it brings the kit and its pytest plugin."""
    dist = ROOT / "dist"
    shutil.rmtree(dist, ignore_errors=True)
    for package in PACKAGES:
        session.run(
            "uv", "build", "--quiet", "--out-dir", str(dist), str(ROOT / "packages" / package), external=True
        )
    wheels = sorted(dist.glob("*.whl"))
    sdists = sorted(dist.glob("*.tar.gz"))
    session.log("built: " + ", ".join(p.name for p in [*wheels, *sdists]))
    if len(wheels) != len(PACKAGES) or len(sdists) != len(PACKAGES):
        session.error(f"expected {len(PACKAGES)} wheels and sdists, got {len(wheels)} and {len(sdists)}")
    meta = next(w for w in wheels if w.name.startswith("temporal_runtime-"))
    with tempfile.TemporaryDirectory() as tmp:
        venv = Path(tmp) / "venv"
        session.run("uv", "venv", "--quiet", "--python", "3.12", str(venv), external=True)
        python = venv / "bin" / "python"

        def install(requirement: str) -> None:
            # Only the meta wheel is named; its siblings must come from its pinned dependencies. Our
            # version does not change between builds, so keep uv from reusing cached wheels of it.
            refresh = [arg for package in PACKAGES for arg in ("--refresh-package", package)]
            session.run(
                "uv",
                "pip",
                "install",
                "--quiet",
                "--python",
                str(python),
                "--find-links",
                str(dist),
                *refresh,
                requirement,
                external=True,
            )

        def installed() -> str:
            return str(session.run("uv", "pip", "list", "--python", str(python), external=True, silent=True))

        install(str(meta))
        check = (
            "from temporal_runtime import Workflow, activity_def, TemporalEngine; "
            "import temporal_runtime_core, temporal_runtime_workflow, "
            "temporal_runtime_client, temporal_runtime_engine; "
            "print('facade OK', TemporalEngine.__module__)"
        )
        session.run(str(python), "-c", check, external=True)
        listed = installed()
        for package in PACKAGES:
            if package != "temporal-runtime-testing" and package not in listed:
                session.error(f"{package} was not installed by the meta wheel")
        if "temporal-runtime-testing" in listed:
            session.error("the meta wheel alone installed the testing kit; only its [testing] extra may")
        without_kit = (
            "try:\n    import temporal_runtime.testing\n"
            "except ModuleNotFoundError as exc:\n    assert 'temporal-runtime[testing]' in str(exc), exc\n"
            "else:\n    raise SystemExit('temporal_runtime.testing imported without the testing kit')\n"
        )
        session.run(str(python), "-c", without_kit, external=True)

        install(f"{meta}[testing]")
        if "temporal-runtime-testing" not in installed():
            session.error("temporal-runtime[testing] did not install temporal-runtime-testing")
        with_kit = (
            "import importlib.metadata as md; "
            "from temporal_runtime.testing import WorkflowTester, ActivityTester, assert_replays; "
            "plugins = [e.value for e in md.entry_points(group='pytest11')]; "
            "assert 'temporal_runtime_testing._pytest_plugin' in plugins, plugins; "
            "print('testing kit OK', WorkflowTester.__module__)"
        )
        session.run(str(python), "-c", with_kit, external=True)


@nox.session(python="3.12")
def bench(session: nox.Session) -> None:
    """Benchmarks against raw temporalio (not in the default run): ./dev nox -s bench [-- --smoke]."""
    _sync(session)
    session.run("python", "benchmarks/run.py", *session.posargs)
