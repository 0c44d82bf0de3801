"""Spread the parsing of a large tree over the machine's cores.

Parsing is the bulk of a cold scan. Worker processes parse files into the parse cache; the
main process then evaluates with every tree already there. Only worth it for many files and
when the cache is on (the cache is how workers hand their results back); otherwise a no-op.
"""
from __future__ import annotations

import os
from pathlib import Path

MIN_FILES = 48


def preparse(files: list[tuple[Path, str]]) -> None:
    from . import cache
    workers = min(os.cpu_count() or 1, 8)
    if workers < 2 or len(files) < MIN_FILES or cache.cache_dir() is None:
        return
    import concurrent.futures
    import multiprocessing
    try:
        context = multiprocessing.get_context("fork")
    except ValueError:   # no fork on this platform: the start-up of spawned workers eats the gain
        return
    chunks = [files[i::workers * 4] for i in range(workers * 4)]
    try:
        with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
            list(pool.map(_parse_chunk, chunks))
    except (OSError, RuntimeError, concurrent.futures.process.BrokenProcessPool):
        pass   # the main process parses whatever is missing


def _parse_chunk(chunk: list[tuple[Path, str]]) -> int:
    from .errors import InputError
    from .parse_cache import parse
    done = 0
    for path, rel in chunk:
        try:
            parse(path, rel)
            done += 1
        except (InputError, RecursionError, MemoryError):
            pass   # reported by the main process when it parses the file itself
    return done
