#!/usr/bin/env python3
"""Speed and memory of pdguard beside checkov, on real public Terraform.

Run from the repository root (see benchmarks/README.md):

    .venv/bin/python benchmarks/bench.py [--corpus ../shared/corpus] [--checkov PATH] [--repeat 3]

For every corpus folder (modules/*, goat/*) it prints, measured in the same run: pdguard cold
(empty cache) and warm (cache filled, unchanged tree) wall time and peak memory, checkov's
wall time and peak memory when checkov is installed (`--skip-download`, same folder, Terraform
and CloudFormation frameworks), the ratios, and the python-hcl2 parse floor (the time
python-hcl2 alone takes to parse the same .tf files). Then `pdguard --version` start-up time,
and the scaling of a generated tree of 1,000 to 10,000 resources.

Figures are medians of --repeat runs; the machine is shared, so read ratios, not milliseconds.
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
BIN = Path(sys.executable).parent


def run(argv: list[str], env: dict | None = None) -> tuple[float, int, int]:
    """(wall seconds, peak RSS in MB, exit code) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss // 1024, proc.returncode


def median_run(argv, repeat, env=None, before=None):
    walls, mems = [], []
    for _ in range(repeat):
        if before:
            before()
        wall, mem, _ = run(argv, env)
        walls.append(wall)
        mems.append(mem)
    return statistics.median(walls), max(mems)


def parse_floor(folder: Path, repeat: int) -> float | None:
    """Wall time of a process that only parses the folder's .tf files with python-hcl2
    (interpreter start and import included, as they are in pdguard's figure)."""
    import importlib.util
    if not any(folder.rglob("*.tf")) or importlib.util.find_spec("hcl2") is None:
        return None   # (python-hcl2 comes with the test extras)
    code = ("import sys, hcl2, pathlib\n"
            "for p in pathlib.Path(sys.argv[1]).rglob('*.tf'):\n"
            "    if '.terraform' in p.parts: continue\n"
            "    try:\n"
            "        hcl2.loads(p.read_text(encoding='utf-8', errors='replace'))\n"
            "    except Exception:\n"
            "        pass\n")
    return statistics.median(run([sys.executable, "-c", code, str(folder)])[0] for _ in range(repeat))


def find_checkov(explicit: str | None) -> str | None:
    for candidate in (explicit, shutil.which("checkov"), str(ROOT / ".bench-venv" / "bin" / "checkov")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def generated_tree(root: Path, resources: int) -> Path:
    """A flat module of `resources` resources, half of them referencing the other half."""
    folder = root / f"gen{resources}"
    folder.mkdir(parents=True, exist_ok=True)
    per_file = 500
    for start in range(0, resources, per_file):
        blocks = []
        for i in range(start, min(start + per_file, resources), 2):
            blocks.append(
                f'resource "aws_s3_bucket" "b{i}" {{\n  bucket = "customer-{i}"\n'
                f'  tags = {{ DataClassification = "Personal", Index = "{i}" }}\n}}\n'
                f'resource "aws_s3_bucket_acl" "b{i}" {{\n  bucket = aws_s3_bucket.b{i}.id\n'
                f'  acl    = "{"public-read" if i % 10 == 0 else "private"}"\n}}\n')
        (folder / f"part{start // per_file}.tf").write_text("".join(blocks))
    return folder


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    ap.add_argument("--checkov", help="checkov executable (default: on PATH or .bench-venv/bin/checkov)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only", help="substring of the corpus folders to run")
    args = ap.parse_args()
    compile_bytecode()

    pdguard = str(BIN / "pdguard")
    checkov = find_checkov(args.checkov)
    corpus = Path(args.corpus)
    folders = sorted(p for group in ("modules", "goat") for p in (corpus / group).glob("*") if p.is_dir())
    if args.only:
        folders = [f for f in folders if args.only in str(f)]
    if not folders:
        print(f"no corpus folders under {corpus}", file=sys.stderr)
        return 2
    print(f"pdguard {subprocess.run([pdguard, '--version'], capture_output=True, text=True).stdout.strip()}; "
          f"checkov: {checkov or 'not installed (pdguard figures only)'}; {os.cpu_count()} cores; "
          f"median of {args.repeat}\n")
    header = (f"{'corpus':44} {'cold s':>7} {'warm s':>7} {'MB':>5} {'floor s':>8} {'cold/floor':>10}"
              f"{'  checkov s':>11} {'MB':>5} {'x cold':>7} {'x warm':>7} {'mem ratio':>9}")
    print(header)
    print("-" * len(header))
    cache = Path(tempfile.mkdtemp(prefix="pdguard-bench-cache-"))
    env = dict(os.environ, PDGUARD_CACHE_DIR=str(cache))
    try:
        for folder in folders:
            argv = [pdguard, "scan", str(folder), "--format", "json", "-o", os.devnull]
            cold, cold_mem = median_run(argv, args.repeat, env, before=lambda: shutil.rmtree(cache, ignore_errors=True))
            warm, warm_mem = median_run(argv, args.repeat, env)
            floor = parse_floor(folder, args.repeat)
            floor_text = f"{floor:8.2f} {cold / floor:10.2f}" if floor else f"{'-':>8} {'-':>10}"
            line = (f"{str(folder.relative_to(corpus)):44} {cold:7.2f} {warm:7.2f} {max(cold_mem, warm_mem):5d} "
                    f"{floor_text}")
            if checkov:
                ck, ck_mem = median_run([checkov, "-d", str(folder), "--skip-download", "--quiet", "--compact",
                                         "--framework", "terraform", "cloudformation", "-o", "json"],
                                        max(1, args.repeat // 2))
                line += (f"{ck:11.2f} {ck_mem:5d} {ck / cold:6.1f}x {ck / warm:6.1f}x "
                         f"{max(cold_mem, warm_mem, 1) / max(ck_mem, 1):9.2f}")
            print(line, flush=True)

        startup = statistics.median(run([pdguard, "--version"])[0] for _ in range(max(5, args.repeat)))
        print(f"\npdguard --version start-up: {startup:.3f} s (target < 0.15 s)")

        print("\nscaling on a generated tree (cold cache):")
        with tempfile.TemporaryDirectory(prefix="pdguard-bench-gen-") as tmp:
            previous = None
            for size in (1000, 2500, 5000, 10000):
                folder = generated_tree(Path(tmp), size)
                wall, mem = median_run([pdguard, "scan", str(folder), "--format", "json", "-o", os.devnull],
                                       args.repeat, env, before=lambda: shutil.rmtree(cache, ignore_errors=True))
                per = wall / size * 1000
                growth = f"  (x{wall / previous[0]:.2f} time for x{size / previous[1]:.1f} resources)" if previous else ""
                print(f"  {size:6d} resources: {wall:6.2f} s, {mem:4d} MB, {per:.3f} ms/resource{growth}")
                previous = (wall, size)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
