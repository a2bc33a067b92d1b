"""The ``temporal-runtime`` command line without a server: ``--version``, ``--help``, the errors
(a bad module, nothing to serve, no server, a busy port) as one line and exit code 1, the
environment versus the options, and the options that become engine arguments."""

from __future__ import annotations

import socket
import subprocess
import sys
import sysconfig
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from temporal_runtime import InvalidOptionError, __version__
from temporal_runtime._cli import cli
from temporal_runtime._cli._app import COMMANDS
from temporal_runtime._cli._dev import ready_line
from temporal_runtime._cli._engine_options import (
    CONNECTION_OPTIONS,
    WORKER_OPTIONS,
    engine_kwargs,
)
from temporal_runtime._cli._imports import import_modules
from temporal_runtime_engine import free_port
from tests.integration.cli_process import ROOT, cli_env


def _run_all(*commands: tuple[list[str], dict[str, str]]) -> list[subprocess.CompletedProcess[str]]:
    """Run ``python -m temporal_runtime ARGS`` for each command at the same time (each takes a
    second or so to import the SDK); return them in order once all have exited."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "temporal_runtime", *args],
            cwd=ROOT,
            env=cli_env(env),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for args, env in commands
    ]
    results: list[subprocess.CompletedProcess[str]] = []
    for process in processes:
        out, err = process.communicate(timeout=60)
        results.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return results


def test_version_and_help_of_every_command() -> None:
    runner = CliRunner()
    version = runner.invoke(cli, ["--version"])
    assert (version.exit_code, version.output) == (0, f"temporal-runtime {__version__}\n")

    top = runner.invoke(cli, ["--help"])
    assert top.exit_code == 0
    assert "worker" in top.output
    assert "dev" in top.output
    assert "temporal-runtime worker myapp.workflows myapp.activities --task-queue orders" in top.output

    worker = runner.invoke(cli, ["worker", "-h"])
    assert worker.exit_code == 0
    for option in (*CONNECTION_OPTIONS, *WORKER_OPTIONS):
        for flag in option.flags:
            assert flag.split("/")[0] in worker.output, flag
    for text in ("MODULE...", "--task-queue", "--profile", "--config-file", "--log-level", "--verbose"):
        assert text in worker.output
    assert "TEMPORAL_ADDRESS=ns.acct.tmprl.cloud:7233" in worker.output  # the epilog's examples
    assert "Exit codes: 0 after SIGTERM/SIGINT" in worker.output

    dev = runner.invoke(cli, ["dev", "--help"])
    assert dev.exit_code == 0
    for text in (
        "--db",
        "--port",
        "--ui-port",
        "--headless",
        "--namespace",
        "--ip",
        "temporal-runtime dev --db",
    ):
        assert text in dev.output

    missing = runner.invoke(cli, ["worker"])
    assert missing.exit_code == 2
    assert "MODULE..." in missing.output


def test_errors_are_one_line_naming_the_culprit_and_exit_1() -> None:
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    busy_port = busy.getsockname()[1]
    try:
        unknown, broken, empty, port_in_use = _run_all(
            (["worker", "no_such_app.workflows"], {}),
            (["worker", "tests.integration.cli_broken_app", "-v"], {}),
            (["worker", "tests.integration.cli_empty_app"], {}),
            (["dev", "--port", str(busy_port), "--headless"], {}),
        )
    finally:
        busy.close()
    for result in (unknown, empty, port_in_use):
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "worker: error: cannot import module 'no_such_app.workflows': no module named 'no_such_app'" in (
        unknown.stderr
    )
    assert "PYTHONPATH" in unknown.stderr
    assert broken.returncode == 1
    assert "Traceback" in broken.stderr  # -v
    assert 'raise RuntimeError("cli_broken_app is broken on purpose")' in broken.stderr
    assert broken.stderr.strip().splitlines()[-1] == (
        "temporal-runtime worker: error: importing module 'tests.integration.cli_broken_app' failed: "
        "RuntimeError: cli_broken_app is broken on purpose; fix the module"
    )
    assert "'tests.integration.cli_empty_app' register no workflows or activities" in empty.stderr
    assert f"dev: error: port {busy_port} on 127.0.0.1 is not free" in port_in_use.stderr
    assert "pass another --port" in port_in_use.stderr


def test_dev_search_attributes_are_checked_before_the_server_starts() -> None:
    runner = CliRunner()
    for value, expected in (
        ("Region", "use NAME=TYPE, e.g. CustomerId=Keyword"),
        ("Region=String", "use NAME=TYPE"),
        ("TemporalRegion=Keyword", "reserved"),
    ):
        result = runner.invoke(cli, ["dev", "--headless", "--search-attribute", value])
        assert result.exit_code == 2, result.output
        assert "--search-attribute" in result.output
        assert expected in result.output


def test_module_errors_name_the_module_and_the_fix() -> None:
    with pytest.raises(InvalidOptionError) as broken:
        import_modules(["tests.integration.cli_broken_app"])
    assert str(broken.value) == (
        "importing module 'tests.integration.cli_broken_app' failed: "
        "RuntimeError: cli_broken_app is broken on purpose; fix the module"
    )
    assert isinstance(broken.value.__cause__, RuntimeError)  # what -v prints the traceback of
    with pytest.raises(InvalidOptionError, match=r"is a file path; .* e\.g\. 'tests\.integration\.cli_app'"):
        import_modules(["tests/integration/cli_app.py"])
    with pytest.raises(
        InvalidOptionError, match=r"a module it imports is missing \(No module named 'no_such_dep'\)"
    ):
        import_modules(["tests.integration.cli_missing_dependency_app"])


def test_no_server_fails_with_the_connection_error_and_options_win_over_env_and_profile(
    tmp_path: Path,
) -> None:
    from_env, from_option, from_profile = free_port(), free_port(), free_port()
    config = tmp_path / "temporal.toml"
    config.write_text(f'[profile.staging]\naddress = "127.0.0.1:{from_profile}"\nnamespace = "prof"\n')
    env = {"TEMPORAL_ADDRESS": f"127.0.0.1:{from_env}", "TEMPORAL_NAMESPACE": "from-env"}
    app = ["worker", "tests.integration.cli_app"]
    env_only, option_wins, profile = _run_all(
        ([*app, "--connect-timeout", "5"], env),
        ([*app, "--url", f"127.0.0.1:{from_option}", "-n", "opt"], env),
        ([*app, "--config-file", str(config), "--profile", "staging"], {}),
    )
    for result in (env_only, option_wins, profile):
        assert result.returncode == 1, result.stderr
        assert "worker: error: Could not connect to Temporal at" in result.stderr
        assert "(for a local server, run `temporal-runtime dev` in another terminal)" in result.stderr
        assert "Traceback" not in result.stderr
    assert f"'127.0.0.1:{from_env}' (namespace 'from-env')" in env_only.stderr
    assert f"'127.0.0.1:{from_option}' (namespace 'opt')" in option_wins.stderr
    assert f"'127.0.0.1:{from_profile}' (namespace 'prof')" in profile.stderr


def test_the_console_script_is_installed_and_imports_from_the_current_directory() -> None:
    script = Path(sysconfig.get_path("scripts")) / (
        "temporal-runtime.exe" if sys.platform == "win32" else "temporal-runtime"
    )
    assert script.is_file()
    version = subprocess.run([script, "--version"], capture_output=True, text=True, timeout=60, check=True)
    assert version.stdout == f"temporal-runtime {__version__}\n"
    # The script's own directory is first on its sys.path, not the current one: the CLI adds it, so
    # the module is found (and then refused because it registers nothing).
    empty = subprocess.run(
        [script, "worker", "tests.integration.cli_empty_app"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env=cli_env(),
    )
    assert empty.returncode == 1
    assert "register no workflows or activities" in empty.stderr, empty.stderr


def test_engine_kwargs_pass_only_the_options_given() -> None:
    options = CONNECTION_OPTIONS + WORKER_OPTIONS
    given = {
        "url": "t:7233",
        "namespace": None,
        "max_concurrent_activities": 5,
        "graceful_shutdown_timeout": 0.0,
    }
    assert engine_kwargs(options, given) == {
        "url": "t:7233",
        "max_concurrent_activities": 5,
        "graceful_shutdown_timeout": 0.0,  # zero is a value, not "not given"
    }
    assert engine_kwargs(options, {"unrelated": 1}) == {}
    # Certificates on the command line turn TLS on over whatever TLS the environment configured.
    ca = Path("ca.pem")
    assert engine_kwargs(options, {"tls_server_ca": ca}) == {"tls_server_ca": ca, "tls": True}
    assert engine_kwargs(options, {"tls_server_ca": ca, "tls": False}) == {"tls_server_ca": ca, "tls": False}
    assert {o.kwarg for o in options} <= set(_engine_parameters())


def _engine_parameters() -> list[str]:
    import inspect

    from temporal_runtime import TemporalEngine

    return list(inspect.signature(TemporalEngine).parameters)


def test_the_docs_list_every_option_of_every_command() -> None:
    text = (ROOT / "docs" / "worker-processes.md").read_text(encoding="utf-8")
    for command in COMMANDS:
        assert f"## `temporal-runtime {command.name}`" in text
        for param in command.params:
            if isinstance(param, click.Option):
                for flag in (*param.opts, *param.secondary_opts):
                    assert f"`{flag}" in text, (
                        f"docs/worker-processes.md does not mention {command.name} {flag}"
                    )


def test_the_dev_ready_line_names_the_address_namespaces_ui_and_state() -> None:
    assert ready_line("127.0.0.1:7233", ["default", "orders"], None, None) == (
        "temporal-runtime: dev server ready: address 127.0.0.1:7233, namespaces 'default', 'orders', "
        "no Web UI (--headless), state in memory; connect with TEMPORAL_ADDRESS=127.0.0.1:7233"
    )
