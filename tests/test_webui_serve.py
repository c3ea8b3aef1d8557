"""`gongkai serve`: a missing index is a clear error (exit 2) that says how to build one."""

from __future__ import annotations

import gzip
import re
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from click.testing import CliRunner

from gongkai.cli import main
from serving import serving


def test_serve_without_an_index_says_to_run_gongkai_index(tmp_path):
    missing = tmp_path / "no-index-here"
    result = CliRunner().invoke(main, ["serve", "--index-dir", str(missing)])
    assert result.exit_code == 2
    assert f"no index at {missing}" in result.output
    assert f"gongkai index corpus --index-dir {missing}" in result.output
    assert "Traceback" not in result.output


def test_serve_reads_the_index_dir_from_the_environment(tmp_path):
    missing = tmp_path / "from-env"
    result = CliRunner().invoke(main, ["serve"], env={"GONGKAI_INDEX_DIR": str(missing)})
    assert result.exit_code == 2
    assert f"no index at {missing}" in result.output


def test_serve_help_lists_its_options():
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--index-dir", "GONGKAI_INDEX_DIR", "127.0.0.1", "5000"):
        assert option in result.output


# --- a port in use, the access log, gzip (real servers in subprocesses) --------------------------

@pytest.mark.parametrize("server", ["gunicorn", "waitress"])
def test_a_port_in_use_is_one_clear_line_and_exit_2(small_index_dir, server):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-c", "from gongkai.cli import main; main()", "serve",
                               "--index-dir", str(small_index_dir), "--server", server,
                               "--workers", "1", "--port", str(port)],
                              capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (f"gongkai: 端口 {port} 已被占用 (port {port} on 127.0.0.1 is already in use); "
                           f"请换一个端口 (choose another with --port)\n")


@pytest.mark.parametrize("server", ["gunicorn", "waitress"])
def test_access_log_has_a_line_per_request_and_pages_are_gzipped(tmp_path, small_index_dir, server):
    log = tmp_path / "serve.log"
    with serving(log, "--index-dir", str(small_index_dir), "--server", server, "--workers", "1",
                 "--access-log") as port:
        url = f"http://127.0.0.1:{port}/search?q=%E7%94%B3%E8%AF%B7"
        plain = urllib.request.urlopen(url, timeout=10).read()
        asked = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(asked, timeout=10) as response:
            assert response.headers["Content-Encoding"] == "gzip"
            assert "Accept-Encoding" in response.headers["Vary"]
            packed = response.read()
        assert gzip.decompress(packed) == plain and len(packed) * 3 < len(plain)
        for _ in range(50):   # the server writes the line after the answer
            lines = re.findall(r'^127\.0\.0\.1 - \[[^]]+\] "GET /search\?q=%E7%94%B3%E8%AF%B7 '
                               r'HTTP/1\.1" 200 (\d+) \d+\.\d{3}s$', log.read_text(), re.M)
            if len(lines) == 2:
                break
            time.sleep(0.1)
    assert sorted(map(int, lines)) == [len(packed), len(plain)]
