"""`gongkai serve --workers 2` under load: every request answered, costly searches refused with a
Chinese message, idle connections cannot lock a new client out, an over-budget search is a 503."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote, urlencode

import pytest

from serving import serving

WORDS = ("申请 公开 信息 政府 年度 报告 工作 情况 主动 依申请 行政 复议 诉讼 网站 部门 办理 "
         "答复 收费 减免 政策 文件 发布 数量 群众 意见 建议 问题 改进 措施 条 件 机关").split()
MANY_TERMS = " OR ".join(WORDS[:32])


def _get(port: int, path: str, timeout: float = 15) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def server(small_index_dir, tmp_path_factory):
    """The port of `gongkai serve --workers 2 --threads 2 --backlog 8` on the small index."""
    log_path = tmp_path_factory.mktemp("serve-load") / "serve.log"
    with serving(log_path, "--index-dir", str(small_index_dir), "--workers", "2",
                 "--threads", "2", "--backlog", "8") as port:
        assert "serving" in log_path.read_text()
        yield port


def test_concurrent_requests_are_all_answered(server):
    paths = ["/api/search?" + urlencode({"q": word}) for word in WORDS[:12]] * 2
    paths += ["/", "/search?q=" + quote("申请"), "/static/app.js", "/agencies"] * 2
    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = [status for status, _h, _b in pool.map(lambda p: _get(server, p), paths)]
    assert statuses == [200] * len(paths)


def test_a_search_over_the_cost_limit_is_a_400_in_chinese(server):
    status, headers, body = _get(server, "/api/search?" + urlencode({"q": MANY_TERMS,
                                                                     "per_page": 1000}))
    assert status == 400
    message = json.loads(body)["error"]["message"]
    assert "这次检索太大" in message and "每页条数 × 检索词数 ≤ 1000" in message
    assert headers["X-Content-Type-Options"] == "nosniff"
    # the same words on a page of 31 hits are within the limit
    assert _get(server, "/api/search?" + urlencode({"q": MANY_TERMS, "per_page": 31}))[0] == 200


def test_idle_connections_beyond_the_backlog_do_not_lock_out_a_new_client(server):
    idle = []
    try:
        for _ in range(40):   # 5× the backlog, 10× the threads; they send nothing
            sock = socket.socket()
            sock.settimeout(5)
            try:
                sock.connect(("127.0.0.1", server))
            except OSError:
                sock.close()
                continue
            idle.append(sock)
        assert idle
        status, _headers, body = _get(server, "/api/search?q=" + quote("申请"))
        assert status == 200 and json.loads(body)["total"] > 0
    finally:
        for sock in idle:
            sock.close()


@pytest.fixture()
def budget_client(small_index_dir, small_index):
    from webui import create_app

    app = create_app({"TESTING": True, "INDEX_DIR": str(small_index_dir),
                      "SEARCH_TIME_BUDGET": 0.001})
    app.extensions["gongkai_index"] = small_index
    return app.test_client()


def test_a_search_over_its_time_budget_is_a_503_with_retry_after(budget_client):
    response = budget_client.get("/api/search?" + urlencode({"q": MANY_TERMS, "per_page": 31}))
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert "检索超时" in response.get_json()["error"]["message"]
    page = budget_client.get("/search?" + urlencode({"q": MANY_TERMS}))
    assert page.status_code == 503
    assert page.headers["Retry-After"] == "5"
    assert "检索超时" in page.get_data(as_text=True)
    # nothing is left pending in the thread: the next request is answered as usual
    static = budget_client.get("/static/app.js")
    assert static.status_code == 200
    static.close()


def test_a_full_queue_answers_503_with_retry_after_at_once(index_dir, tmp_path):
    """One worker, one thread, a queue of 2: while the most expensive allowed search holds the
    thread, the requests beyond the queue are answered 503 + Retry-After without waiting, and
    the others are answered when their turn comes."""
    words = ("申请 公开 信息 政府 年度 报告 工作 情况 主动 依申请 行政 复议 诉讼 网站 部门 办理 "
             "答复 收费 减免 政策 文件 发布 数量 群众 意见 建议 问题 改进 措施 条 件 机关").split()
    expensive = "/api/search?" + urlencode({"q": " OR ".join(words), "per_page": 31})
    with serving(tmp_path / "serve.log", "--index-dir", str(index_dir), "--workers", "1",
                 "--threads", "1", "--queue", "2", "--time-budget", "60") as port:
        results: list[tuple[int, dict]] = []
        lock = threading.Lock()

        def fetch(path: str) -> None:
            status, headers, _body = _get(port, path, timeout=60)
            with lock:
                results.append((status, headers))

        first = threading.Thread(target=fetch, args=(expensive,))
        first.start()
        time.sleep(0.3)   # the expensive search now holds the one thread
        others = [threading.Thread(target=fetch, args=(expensive,)) for _ in range(8)]
        for t in others:
            t.start()
        for t in [first, *others]:
            t.join()
        statuses = sorted(status for status, _h in results)
        assert len(statuses) == 9 and set(statuses) <= {200, 503}
        refused = [h for status, h in results if status == 503]
        assert len(refused) >= 5          # at most 1 running + 2 waiting at any moment
        assert all(h.get("Retry-After") == "5" for h in refused)
