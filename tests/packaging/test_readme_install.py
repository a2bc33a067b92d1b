"""The README's install-from-a-clone command names every distribution, with the extras a user needs.

Nothing is on PyPI yet, so that command is how a newcomer installs the SDK: pip cannot find a
sibling that the command leaves out. (`nox -s build` installs the same distributions from built
wheels.)
"""

import re
import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _clone_install_command() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Installation", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```bash\n(.*?)```", section, re.S)
    commands = [b.replace("\\\n", " ") for b in blocks if "./packages/" in b]
    assert len(commands) == 1, "the Installation section has one install-from-a-clone command"
    return shlex.split(commands[0])


def test_the_clone_install_names_every_distribution() -> None:
    words = _clone_install_command()
    assert words[:2] == ["pip", "install"]
    named = {Path(w.split("[", 1)[0]).name for w in words[2:]}
    distributions = {p.parent.name for p in (ROOT / "packages").glob("*/pyproject.toml")}
    assert named == distributions


def test_the_clone_install_brings_the_embedded_server_and_the_testing_kit() -> None:
    meta = [w for w in _clone_install_command() if w.startswith("./packages/temporal-runtime[")]
    assert meta == ["./packages/temporal-runtime[local,testing]"]
