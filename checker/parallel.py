"""Spread a large tree's work over the machine's cores: shares of it in forked processes.

Each share (for the Terraform loader: a set of directories) is handled by one process, share 0
by this one, in two phases: `first(share)` (parse the share and find the local modules it
calls), then, once this process has combined every share's first result (which directories are
root modules), `second(share, combined)` (evaluate the share's roots). Workers are forked
before any parsing, so they start small (no copy-on-write storm) and keep what they parsed for
the second phase; only the small first results and the outcomes travel, pickled, through pipes.
Platforms without fork, or any failure of a worker, make `two_phase` return None: the caller
then does all the work itself, so a result never depends on whether workers were used.
"""
from __future__ import annotations

import os
from typing import Any, Callable, Optional

MAX_WORKERS = 8


def worker_count(work_bytes: int, min_bytes: int) -> int:
    """Processes worth using for `work_bytes` of input: 1 below `min_bytes` or without fork."""
    if work_bytes < min_bytes or not hasattr(os, "fork"):
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_WORKERS, work_bytes // min_bytes + 1))


def two_phase(shares: list, first: Callable[[Any], Any], combine: Callable[[list], Any],
              second: Callable[[Any, Any], Any]) -> Optional[list[tuple[Any, Any]]]:
    """[(first(share), second(share, combined)) for each share], in order, with
    combined = combine([first results]); or None when worker processes cannot be used.
    `first` and `second` need not be picklable (workers inherit them); results must be."""
    import multiprocessing
    try:
        context = multiprocessing.get_context("fork")
    except ValueError:
        return None
    children = []
    try:
        for share in shares[1:]:
            ours, theirs = context.Pipe()
            process = context.Process(target=_worker, args=(theirs, share, first, second),
                                      daemon=True)
            process.start()
            theirs.close()
            children.append((process, ours))
        firsts = [first(shares[0])] + [_receive(conn) for _, conn in children]
        combined = combine(firsts)
        for _, conn in children:
            conn.send(combined)
        seconds = [second(shares[0], combined)] + [_receive(conn) for _, conn in children]
        return list(zip(firsts, seconds))
    except Exception:  # noqa: BLE001 - a worker that died or failed: the caller redoes it all
        return None
    finally:
        for process, conn in children:
            conn.close()
            process.join(timeout=5)
            if process.is_alive():
                process.kill()


def _worker(conn, share, first, second) -> None:
    try:
        conn.send(("ok", first(share)))
        combined = conn.recv()
        conn.send(("ok", second(share, combined)))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which falls back
        try:
            conn.send(("error", f"{type(exc).__name__}: {exc}"))
        except Exception:  # noqa: BLE001
            pass
    finally:
        conn.close()


def _receive(conn) -> Any:
    status, value = conn.recv()
    if status != "ok":
        raise RuntimeError(f"worker failed: {value}")
    return value
