"""How long the pre-commit hook takes on one changed file of the bundled example.

Runs `pdguard hook examples/terraform/storage.tf` as a subprocess (what pre-commit does), once
to warm the parse cache, then N more times, and prints the median and the minimum wall time.
The target is "well under a second" for a warm run.

    python benchmarks/hook_bench.py            # 10 runs unchanged, 10 runs after an edit
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


def compile_bytecode() -> None:
    """Byte-compile pdguard as an installation would: with PYTHONDONTWRITEBYTECODE set (or an
    editable install never run before), every run would otherwise compile its sources again."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "checker")], env=env, check=False,
                   stdout=subprocess.DEVNULL)
TARGET = "examples/terraform/storage.tf"


def pdguard_command() -> list:
    exe = Path(sys.executable).with_name("pdguard")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "checker.cli"]


def run_once(env: dict, cwd: Path = ROOT) -> tuple[float, int]:
    start = time.perf_counter()
    proc = subprocess.run([*pdguard_command(), "hook", TARGET], cwd=cwd, env=env,
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
    compile_bytecode()

    cache = Path(tempfile.mkdtemp(prefix="pdguard-bench-cache-"))
    work = Path(tempfile.mkdtemp(prefix="pdguard-bench-tree-"))
    env = dict(os.environ, PDGUARD_CACHE_DIR=str(cache))
    try:
        cold, code = run_once(env)               # fills the cache (and the OS file cache)
        times = [run_once(env)[0] for _ in range(args.runs)]
        # The commit case: the file really changed, so it is parsed and its module evaluated
        # again; the module's other files come from the parse cache.
        shutil.copytree(ROOT / "examples", work / "examples")
        run_once(env, work)
        changed = []
        for i in range(args.runs):
            with open(work / TARGET, "a", encoding="utf-8") as handle:
                handle.write(f"\n# edit {i}\n")
            changed.append(run_once(env, work)[0])
    finally:
        shutil.rmtree(cache, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
    print(f"pdguard hook {TARGET} (exit {code}), {args.runs} runs each:")
    print(f"  unchanged tree (warm): median {statistics.median(times) * 1000:6.0f} ms, min {min(times) * 1000:6.0f} ms")
    print(f"  file just edited:      median {statistics.median(changed) * 1000:6.0f} ms, min {min(changed) * 1000:6.0f} ms")
    if args.cold:
        print(f"  cold (empty cache):    {cold * 1000:6.0f} ms")


if __name__ == "__main__":
    main()
