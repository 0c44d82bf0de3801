"""checker.parallel (work spread over forked workers) and checker.parse_cache."""
from __future__ import annotations

import os
import threading

import pytest

import checker.parallel as parallel
import checker.parse_cache as parse_cache

FORK = hasattr(os, "fork") and (os.cpu_count() or 1) >= 2


def test_worker_count_follows_the_size_of_the_work(monkeypatch):
    assert parallel.worker_count(10, 100) == 1
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3}, raising=False)
    assert parallel.worker_count(150, 100) == 2          # not more workers than the work needs
    assert parallel.worker_count(10_000, 100) == 4       # nor than cores


def _first(share):
    return sum(share), os.getpid()


def _second(share, combined):
    return [item * combined for item in share], os.getpid()


@pytest.mark.skipif(not FORK, reason="needs fork and two cores")
def test_two_phases_over_forked_workers():
    shares = [[1, 2], [3], [4, 5, 6]]
    results = parallel.two_phase(shares, _first, lambda firsts: sum(s for s, _ in firsts), _second)
    assert [first[0] for first, _ in results] == [3, 3, 15]
    assert [second[0] for _, second in results] == [[21, 42], [63], [84, 105, 126]]
    pids = [first[1] for first, _ in results]
    assert pids[0] == os.getpid() and len(set(pids)) == 3
    assert [second[1] for _, second in results] == pids  # each share stays in its process


@pytest.mark.skipif(not FORK, reason="needs fork and two cores")
def test_a_failing_or_unpicklable_worker_gives_none():
    def failing(share):
        if share == "bad":
            raise ValueError("boom")
        return share
    assert parallel.two_phase(["ok", "bad"], failing, list, lambda s, c: s) is None
    unpicklable = parallel.two_phase(["a", "b"], lambda s: threading.Lock(), list, lambda s, c: s)
    assert unpicklable is None


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
