"""How long the pre-commit hook takes on one changed file of the bundled example.

Runs `pdguard hook examples/terraform/storage.tf` as a subprocess (what pre-commit does), once
to warm the parse cache, then N more times, and prints the median and the minimum wall time.
The target is "well under a second" for a warm run.

    python benchmarks/hook_bench.py            # 10 warm runs
    python benchmarks/hook_bench.py -n 30 --cold   # also time a run with an empty cache
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = "examples/terraform/storage.tf"


def pdguard_command() -> list:
    exe = Path(sys.executable).with_name("pdguard")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "checker.cli"]


def run_once(env: dict) -> tuple[float, int]:
    start = time.perf_counter()
    proc = subprocess.run([*pdguard_command(), "hook", TARGET], cwd=ROOT, env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        sys.exit(f"pdguard hook failed ({proc.returncode}): {proc.stderr.decode()[-2000:]}")
    return elapsed, proc.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--runs", type=int, default=10, help="warm runs to time (default 10)")
    parser.add_argument("--cold", action="store_true", help="also time one run with an empty parse cache")
    args = parser.parse_args()

    cache = Path(tempfile.mkdtemp(prefix="pdguard-bench-cache-"))
    env = dict(os.environ, PDGUARD_CACHE_DIR=str(cache))
    try:
        cold, code = run_once(env)               # fills the cache (and the OS file cache)
        times = [run_once(env)[0] for _ in range(args.runs)]
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    print(f"pdguard hook {TARGET} (exit {code}), {args.runs} warm runs:")
    print(f"  median {statistics.median(times) * 1000:7.0f} ms")
    print(f"  min    {min(times) * 1000:7.0f} ms")
    print(f"  max    {max(times) * 1000:7.0f} ms")
    if args.cold:
        print(f"  cold   {cold * 1000:7.0f} ms (empty parse cache)")


if __name__ == "__main__":
    main()
