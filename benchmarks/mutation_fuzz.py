"""Mutation fuzzing of the whole scan on real files: corpus files cut, spliced and salted with
syntax fragments, each scanned alone, for a fixed time.

    .venv/bin/python benchmarks/mutation_fuzz.py [--seconds 120] [--seed 1] [--kind terraform|cloudformation]

A case fails when the scan raises, reports one of pdguard's last-resort "internal" errors
(a component crashed and was contained), or takes longer than --slow seconds. Failing inputs
are written to --out (default /tmp/pdguard-fuzz) to become regression tests. Prints the number
of cases and failures; exits 1 when there is any.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PDGUARD_CACHE_DIR", "off")

from checker.api import scan  # noqa: E402
from checker.config import ScanConfig  # noqa: E402

# Messages of the last-resort guards: seeing one means a component of pdguard crashed.
INTERNAL = ("could not parse (", "could not evaluate this module (", "could not interpret ",
            "could not load (", "file too complex")
FRAGMENTS = {
    "terraform": ['"', "{", "}", "[", "]", "(", ")", "${", "%{", "~", "<<EOT\n", "\nEOT\n", "#",
                  "\n", ",", "=", ":", "?", ".", "*", "[*]", "...", "=>", "for ", " in ", "0",
                  "1e9", "-", "!", "null", "var.x", "local.a", "self", "each.value",
                  "count.index", "module.x", "data.y.z", "count = 1e9\n", 'file("/etc/passwd")',
                  'jsondecode("[[[[")', "for_each = {for i in range(1000): i => i}\n"],
    "cloudformation": ["!Ref ", "!GetAtt ", '!Sub "${', "!If [", "!Join", "&a ", "*a", "<<: ",
                       ": ", "- ", "\n", "  ", "{", "}", "[", "]", '"', "'", "null", "~", "true",
                       "123", "Fn::", "Ref", "Condition", "Properties", "\t", "!ImportValue ",
                       "!Select [", "!Split [", "!FindInMap ["],
}
SEEDS = {
    "terraform": ("goat/**/*.tf", "modules/*/*.tf", "stress/**/*.tf"),
    "cloudformation": ("goat/cfngoat/*.yaml", "goat/**/*.template", "goat/KaiMonkey/cft/**/*.y*ml"),
}


def mutate(text: str, rng: random.Random, fragments: list) -> str:
    for _ in range(rng.randint(1, 5)):
        at = rng.randint(0, len(text))
        choice = rng.random()
        if choice < 0.6:
            text = text[:at] + rng.choice(fragments) + text[at:]
        elif choice < 0.85:
            text = text[:at] + text[at + rng.randint(1, 30):]
        else:
            start = rng.randint(0, len(text))
            text = text[:at] + text[start:start + rng.randint(1, 200)] + text[at:]
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--kind", choices=sorted(FRAGMENTS), default="terraform")
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--slow", type=float, default=5.0)
    parser.add_argument("--out", default=os.path.join(tempfile.gettempdir(), "pdguard-fuzz"))
    args = parser.parse_args()
    corpus = Path(args.corpus)
    seeds = sorted({p for pattern in SEEDS[args.kind] for p in corpus.glob(pattern) if p.is_file()})
    if not seeds:
        print(f"no seed files under {corpus}")
        return 2
    rng = random.Random(args.seed)
    out = Path(args.out)
    cases = failures = 0
    deadline = time.monotonic() + args.seconds
    while time.monotonic() < deadline:
        seed = rng.choice(seeds)
        text = mutate(seed.read_text(encoding="utf-8", errors="replace"), rng, FRAGMENTS[args.kind])
        cases += 1
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / ("main.tf" if args.kind == "terraform" else "template" + seed.suffix)
            target.write_text(text, encoding="utf-8", errors="surrogatepass")
            started = time.monotonic()
            try:
                report = scan([folder], ScanConfig())
                problem = next((e.message for e in report.errors if e.message.startswith(INTERNAL)), None)
            except Exception as exc:  # noqa: BLE001 - that is what we are looking for
                problem = f"raised {type(exc).__name__}: {exc}"
            elapsed = time.monotonic() - started
            if problem is None and elapsed > args.slow:
                problem = f"took {elapsed:.1f} s"
        if problem:
            failures += 1
            out.mkdir(parents=True, exist_ok=True)
            saved = out / f"case{failures}{target.suffix}"
            saved.write_text(text, encoding="utf-8", errors="surrogatepass")
            print(f"FAIL {seed.relative_to(corpus)} -> {saved}: {problem[:300]}")
    print(f"{cases} mutated {args.kind} files scanned, {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
