"""``stdout_silenced``: what keeps the embedded servers' start-up banner off this process's stdout."""

import os
import threading

import pytest

from temporal_runtime_engine._embedded_server import stdout_silenced


def test_file_descriptor_1_is_silenced_inside_and_restored_after(capfd: pytest.CaptureFixture[str]) -> None:
    os.write(1, b"before\n")
    with stdout_silenced():
        os.write(1, b"hidden\n")  # what a spawned server inherits
    os.write(1, b"after\n")
    assert capfd.readouterr().out == "before\nafter\n"


def test_python_output_written_before_is_not_lost(capfd: pytest.CaptureFixture[str]) -> None:
    print("buffered", end="")  # flushed to the real stdout before fd 1 is redirected
    with stdout_silenced():
        pass
    assert capfd.readouterr().out == "buffered"


def test_nested_and_concurrent_uses_restore_stdout_once_the_last_one_leaves(
    capfd: pytest.CaptureFixture[str],
) -> None:
    inner_done = threading.Event()

    def other_start() -> None:
        with stdout_silenced():
            os.write(1, b"thread\n")
        inner_done.set()

    with stdout_silenced():
        with stdout_silenced():
            os.write(1, b"nested\n")
        os.write(1, b"outer\n")  # the inner exit must not have restored stdout yet
        thread = threading.Thread(target=other_start)
        thread.start()
        thread.join()
        assert inner_done.is_set()
        os.write(1, b"still outer\n")
    os.write(1, b"restored\n")
    assert capfd.readouterr().out == "restored\n"


def test_disabled_is_a_no_op(capfd: pytest.CaptureFixture[str]) -> None:
    with stdout_silenced(False):
        os.write(1, b"shown\n")
    assert capfd.readouterr().out == "shown\n"
