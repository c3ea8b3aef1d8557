"""`gongkai serve` in a subprocess on a free loopback port, for tests: waits until it answers,
fails with its log if it exits or never answers, and always stops it."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        exc.close()
        return exc.code


@contextmanager
def serving(log_path: Path, *options: str) -> Iterator[int]:
    """The port of `gongkai serve OPTIONS --port P`, answering."""
    port = free_port()
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([sys.executable, "-c", "from gongkai.cli import main; main()",
                                 "serve", *options, "--port", str(port)],
                                stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(300):
            if proc.poll() is not None:
                pytest.fail(f"gongkai serve exited ({proc.returncode}): {log_path.read_text()}")
            try:
                if status_of(f"http://127.0.0.1:{port}/api/search?q=x") == 200:
                    break
            except OSError:
                pass
            time.sleep(0.1)
        else:
            pytest.fail(f"gongkai serve did not answer: {log_path.read_text()}")
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
