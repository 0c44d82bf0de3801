"""checker.parallel (work spread over forked workers) and checker.parse_cache."""
from __future__ import annotations

import os
import threading

import pytest

import checker.parallel as parallel
import checker.parse_cache as parse_cache

FORK = hasattr(os, "fork") and (os.cpu_count() or 1) >= 2


def _pid_of(item):
    return item, os.getpid()


def test_results_come_in_order_and_quick_work_stays_in_this_process():
    results = parallel.map_ordered(_pid_of, list(range(20)))
    assert [item for item, _ in results] == list(range(20))
    assert {pid for _, pid in results} == {os.getpid()}


@pytest.mark.skipif(not FORK, reason="needs fork and two cores")
def test_slow_work_is_shared_with_forked_workers(monkeypatch):
    monkeypatch.setattr(parallel, "SERIAL_SECONDS", 0.0)
    seen = []

    def slow(item):   # a closure: workers inherit it, it is never pickled
        import time
        time.sleep(0.02)
        return item * 2, os.getpid()

    results = parallel.map_ordered(slow, list(range(30)), on_result=lambda: seen.append(1))
    assert [value for value, _ in results] == [2 * i for i in range(30)]
    assert len({pid for _, pid in results}) >= 2
    assert len(seen) == 30


@pytest.mark.skipif(not FORK, reason="needs fork and two cores")
def test_an_unpicklable_result_falls_back_to_this_process(monkeypatch):
    monkeypatch.setattr(parallel, "SERIAL_SECONDS", 0.0)
    results = parallel.map_ordered(lambda item: (item, threading.Lock()), list(range(8)))
    assert [item for item, _ in results] == list(range(8))


# ------------------------------------------------------------------ parse cache
def _count_parses(monkeypatch) -> list:
    import checker.hcl.parser as parser
    calls = []
    real = parser.parse_hcl

    def counting(text, rel):
        calls.append(rel)
        return real(text, rel)
    monkeypatch.setattr(parser, "parse_hcl", counting)
    return calls


def test_costly_parses_are_cached_by_content(monkeypatch, tmp_path):
    monkeypatch.setenv("PDGUARD_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(parse_cache, "MIN_PARSE_SECONDS", 0.0)
    calls = _count_parses(monkeypatch)
    first = parse_cache.parse_text('a = "x"\n', "main.tf")
    assert parse_cache.parse_text('a = "x"\n', "main.tf") == first
    assert calls == ["main.tf"]                           # the second came from the cache
    parse_cache.parse_text('a = "y"\n', "main.tf")        # changed text: parsed again
    parse_cache.parse_text('a = "x"\n', "other.tf")       # same text, other path: parsed again
    assert calls == ["main.tf", "main.tf", "other.tf"]
    import shutil
    shutil.rmtree(tmp_path / "cache")                     # safe to delete
    assert parse_cache.parse_text('a = "x"\n', "main.tf") == first


def test_quick_parses_are_not_written(monkeypatch, tmp_path):
    monkeypatch.setenv("PDGUARD_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(parse_cache, "MIN_PARSE_SECONDS", 60.0)
    calls = _count_parses(monkeypatch)
    parse_cache.parse_text("a = 1\n", "main.tf")
    parse_cache.parse_text("a = 1\n", "main.tf")
    assert calls == ["main.tf", "main.tf"]
    assert not list((tmp_path / "cache").rglob("*.pickle"))


def test_syntax_errors_are_not_cached(monkeypatch, tmp_path):
    from checker.errors import InputError
    monkeypatch.setenv("PDGUARD_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(parse_cache, "MIN_PARSE_SECONDS", 0.0)
    for _ in range(2):
        with pytest.raises(InputError):
            parse_cache.parse_text("a = [\n", "main.tf")
    assert not list((tmp_path / "cache").rglob("*.pickle"))
