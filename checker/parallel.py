"""Spread independent work — the evaluation of a tree's root modules — over the machine's cores.

Evaluation is the bulk of a cold scan of a large tree (parsing is about a tenth of it), and root
modules are independent of each other. Work starts in the calling process; once it has taken
SERIAL_SECONDS and at least two items remain, the rest goes to forked workers, which start with
everything already parsed in memory and return their outcomes pickled, collected in order.
Forking costs tens of milliseconds, which is why quick scans never fork; platforms without fork
stay serial (spawned workers would have to parse everything again).
"""
from __future__ import annotations

import os
import time
from typing import Any, Callable, Optional

SERIAL_SECONDS = 0.04   # measured on the corpus: forking pays once evaluation runs longer
MAX_WORKERS = 8

_task: Optional[tuple[Callable[[Any], Any], list]] = None   # inherited by forked workers


def map_ordered(function: Callable[[Any], Any], items: list, *,
                on_result: Callable[[], None] = lambda: None) -> list:
    """[function(item) for item in items], in order; `function` need not be picklable (workers
    inherit it), its results must be."""
    results: list = []
    start = time.perf_counter()
    workers_possible = True
    while len(results) < len(items):
        remaining = items[len(results):]
        if (workers_possible and len(remaining) >= 2
                and time.perf_counter() - start >= SERIAL_SECONDS):
            rest = _in_workers(function, remaining, on_result)
            if rest is not None:
                return results + rest
            workers_possible = False
        results.append(function(remaining[0]))
        on_result()
    return results


def _in_workers(function: Callable[[Any], Any], items: list,
                on_result: Callable[[], None]) -> Optional[list]:
    """The results, computed by forked workers and this process together, or None when that
    is not possible. Workers take items from the front; this process takes them from the back
    for as long as no worker has started them (its results need no pickling)."""
    global _task
    workers = min(os.cpu_count() or 1, MAX_WORKERS, len(items)) - 1
    if workers < 1 or _task is not None:
        return None
    import concurrent.futures
    import multiprocessing
    try:
        context = multiprocessing.get_context("fork")
    except ValueError:
        return None
    _task = (function, items)
    try:
        with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
            futures = [pool.submit(_run, index) for index in range(len(items))]
            local = {}
            for index in reversed(range(len(items))):
                if not futures[index].cancel():
                    break   # a worker has it, and every item before it
                local[index] = function(items[index])
                on_result()
            results = []
            for index, future in enumerate(futures):
                if index in local:
                    results.append(local[index])
                else:
                    results.append(future.result())
                    on_result()
            return results
    except Exception:  # noqa: BLE001 - a killed worker, an unpicklable result...
        return None    # the caller redoes the work itself, and reports what goes wrong
    finally:
        _task = None


def _run(index: int) -> Any:
    function, items = _task
    return function(items[index])
