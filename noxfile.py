"""Developer sessions. Run through ./dev so uv and the Python interpreters are set up:

./dev nox -s tests typecheck lint build examples lowest docs

The static checks are written here only: ``./dev check`` runs the ``typecheck`` and ``lint`` sessions
in ``.venv`` (``nox --no-venv``). Their targets are in pyproject.toml (``[tool.mypy] files``,
``[tool.pyright] include``, ruff's ``extend-exclude``).
"""

from __future__ import annotations

import email.parser
import re
import shutil
import tarfile
import tempfile
import zipfile
from pathlib import Path

import nox

nox.options.default_venv_backend = "uv"
nox.options.sessions = ["tests", "typecheck", "lint", "build", "examples", "lowest", "docs"]

ROOT = Path(__file__).parent
PACKAGES = [
    "temporal-runtime-core",
    "temporal-runtime-workflow",
    "temporal-runtime-client",
    "temporal-runtime-engine",
    "temporal-runtime-testing",
    "temporal-runtime",
]


def _sync(session: nox.Session, *groups: str) -> None:
    """Install the locked workspace (all six packages, editable, plus dev tools and ``groups``) into the
    session venv.

    Without a venv (``nox --no-venv``, as ``./dev check`` runs it) the current environment is used as is.
    """
    if session.venv_backend == "none":
        return
    session.run_install(
        "uv",
        "sync",
        "--locked",
        "--active",
        f"--python={session.virtualenv.location}",
        *(f"--group={group}" for group in groups),
        env={"UV_PROJECT_ENVIRONMENT": session.virtualenv.location},
    )


@nox.session(python=["3.12", "3.13"])
def tests(session: nox.Session) -> None:
    """The test suite (starts its own Temporal dev server)."""
    _sync(session)
    session.run("pytest", *session.posargs)


@nox.session(python="3.12")
def typecheck(session: nox.Session) -> None:
    """mypy --strict over [tool.mypy] files; pyright (strict) over [tool.pyright] include (the same)."""
    _sync(session)
    session.run("mypy")
    session.run("pyright")


@nox.session(python="3.12")
def lint(session: nox.Session) -> None:
    """ruff lint and format check."""
    _sync(session)
    session.run("ruff", "check")
    session.run("ruff", "format", "--check")


@nox.session(python="3.12")
def examples(session: nox.Session) -> None:
    """Run every example script."""
    _sync(session)
    for example in sorted((ROOT / "examples").glob("*.py")):
        if example.name.startswith("_"):
            continue
        session.log(f"running {example.name}")
        session.run("python", str(example))


VERSION_FILE = ROOT / "packages" / "temporal-runtime" / "src" / "temporal_runtime" / "_version.py"


def _version() -> str:
    match = re.search(r'^__version__ = "([^"]+)"$', VERSION_FILE.read_text(encoding="utf-8"), re.MULTILINE)
    if match is None:
        raise RuntimeError(f'no __version__ = "..." line in {VERSION_FILE}')
    return match.group(1)


def _metadata(artifact: Path) -> email.message.Message:
    """The core metadata of a wheel (``METADATA``) or an sdist (``PKG-INFO``)."""
    if artifact.suffix == ".whl":
        with zipfile.ZipFile(artifact) as wheel:
            name = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
            text = wheel.read(name).decode()
    else:
        with tarfile.open(artifact) as sdist:
            top = next(
                m for m in sdist.getmembers() if m.name.count("/") == 1 and m.name.endswith("/PKG-INFO")
            )
            extracted = sdist.extractfile(top)
            assert extracted is not None
            text = extracted.read().decode()
    return email.parser.Parser().parsestr(text)


def _check_metadata(session: nox.Session, wheels: list[Path], sdists: list[Path]) -> None:
    """Every artifact carries the version of _version.py and pins its siblings to exactly it, and each
    wheel (which ``uv build`` makes from the unpacked sdist, outside the repository) has the same
    requirements as its sdist."""
    version = _version()
    for wheel, sdist in zip(wheels, sdists, strict=True):
        wheel_meta, sdist_meta = _metadata(wheel), _metadata(sdist)
        name = wheel_meta["Name"]
        if sdist_meta["Name"] != name:
            session.error(f"{wheel.name} and {sdist.name} do not pair up")
        requires = wheel_meta.get_all("Requires-Dist") or []
        if sorted(requires) != sorted(sdist_meta.get_all("Requires-Dist") or []):
            session.error(
                f"{wheel.name} requires {requires}; its sdist: {sdist_meta.get_all('Requires-Dist')}"
            )
        for meta, artifact in ((wheel_meta, wheel), (sdist_meta, sdist)):
            if meta["Version"] != version:
                session.error(f"{artifact.name} has version {meta['Version']}, _version.py says {version}")
        for requirement in requires:
            sibling = re.match(r"(temporal-runtime[a-z-]*)(.*?)(;.*)?$", requirement)
            if sibling and sibling.group(2).strip() != f"=={version}":
                session.error(f"{name} requires {requirement!r}: siblings must be pinned =={version}")
        session.log(f"{name} {version}: " + ", ".join(requires))


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
    _check_metadata(session, wheels, sdists)
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


# What `lowest` runs: every test that needs no server (run 1), then integration tests of the engine
# (activities, signals, queries, updates, errors) and of the pytest plugin's fixtures (run 2).
LOWEST_SERVERLESS = [
    "-m",
    "not integration",
    "tests/core",
    "tests/workflow",
    "tests/client",
    "tests/engine",
    "tests/testing",
    "tests/packaging",
    "tests/cli",  # the click floor (temporal-runtime's `worker` and `dev` commands, #13)
]
LOWEST_INTEGRATION = [
    "tests/integration/test_foundation.py",
    "tests/integration/test_updates.py",
    "tests/testing/test_fixtures.py",
]


@nox.session(python="3.12")
def lowest(session: nox.Session) -> None:
    """The dependency floors the distributions declare: installs the six packages (editable) with the
    lowest versions their pyproject.toml files allow (``uv --resolution lowest-direct``: temporalio,
    pydantic, pytest, pytest-asyncio, the server binaries, cryptography, opentelemetry; hatchling at the
    build-system floor for the hook's tests) and runs the serverless tests and a few integration tests on them
    (about 70 s).
    ``./dev nox -s lowest -- ARGS`` runs ``pytest ARGS`` instead."""
    location = session.virtualenv.location
    editable = [arg for package in PACKAGES for arg in ("--editable", str(ROOT / "packages" / package))]
    session.run_install(
        "uv",
        "pip",
        "install",
        "--resolution=lowest-direct",
        f"--python={location}",
        *editable,
        "--editable",
        f"{ROOT / 'packages' / 'temporal-runtime'}[local,testing,encryption,otel]",
        "hatchling>=1.27",
        external=True,
    )
    session.run("uv", "pip", "list", f"--python={location}", external=True)
    if session.posargs:
        session.run("pytest", *session.posargs)
        return
    session.run("pytest", *LOWEST_SERVERLESS)
    session.run("pytest", *LOWEST_INTEGRATION)


@nox.session(python="3.12")
def bench(session: nox.Session) -> None:
    """Benchmarks against raw temporalio (not in the default run): ./dev nox -s bench [-- --smoke].

    Writes results.json, results.md and the PNG plots into benchmarks/results/ (or ``-- --out DIR``);
    matplotlib comes from the ``bench`` dependency group, which the locked sync installs.
    """
    _sync(session)
    session.run("python", "benchmarks/run.py", *session.posargs)


@nox.session(python="3.12")
def docs(session: nox.Session) -> None:
    """The documentation site (#15): ``mkdocs build --strict`` (a warning or a broken link fails it) with
    the locked ``docs`` group, into ``site/`` (gitignored), then ``docs/check_reference.py``: every public
    name has its entry in the API reference. ``./dev nox -s docs -- serve`` serves it instead, on
    http://127.0.0.1:8000."""
    _sync(session, "docs")
    session.env["NO_MKDOCS_2_WARNING"] = "1"  # mkdocs-material's banner about MkDocs 2.0, on every run
    if session.posargs[:1] == ["serve"]:
        session.run("mkdocs", "serve", "--strict", *session.posargs[1:])
        return
    session.run("mkdocs", "build", "--strict", "--clean", "--site-dir", str(ROOT / "site"))
    session.run("python", str(ROOT / "docs" / "check_reference.py"), str(ROOT / "site"))
