#!/usr/bin/env python3
"""Recall and false positives of pdguard on the labelled public corpora, per category.

    .venv/bin/python benchmarks/score.py [--corpus ../shared/corpus] [LABELS.yaml ...] [-v]

Each labels file (default: every `labels/*.yaml` of the corpus) lists problems that must be
reported (`labels`), pairs that must not be (`expect_clean`) and pairs left unscored
(`dont_care`), per case folder. pdguard scans each case in-process (the same `scan()` the CLI
runs); a label is found when a failing finding of its category names its resource (or an `alt`
address; `*` = any resource of the case). Cases of `labels/NAME.yaml` are folders under the corpus's
`NAME/`. Prints, per labels file and category: recall, false
positives, and the cases pdguard could not read. `-v` lists every miss and false positive.
"""
from __future__ import annotations

import argparse
import collections
import re
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def normal(address: str) -> str:
    return re.sub(r"[\"' ]", "", str(address))


def scan_case(folder: Path) -> tuple[set, list]:
    from checker.api import scan
    report = scan([folder])
    found = {(normal(f.resource), f.category) for f in report.findings
             if f.status == "fail" and not f.suppressed}
    return found, report.errors


def score(labels_path: Path, corpus: Path, verbose: bool) -> dict:
    data = yaml.safe_load(labels_path.read_text(encoding="utf-8"))
    labels, clean = data.get("labels", []), data.get("expect_clean", [])
    cases = sorted({e["case"] for e in labels + clean + data.get("dont_care", [])})
    found, broken = {}, {}
    for case in cases:
        found[case], errors = scan_case(corpus / case)
        if errors:
            broken[case] = errors
    hit, total, fp, checked = (collections.Counter() for _ in range(4))
    for e in labels:
        category = e["category"]
        keys = {(normal(a), category) for a in [e["resource"], *e.get("alt", [])]}
        ok = (any(k[1] == category for k in found[e["case"]]) if e["resource"] == "*"
              else bool(keys & found[e["case"]]))
        total[category] += 1
        hit[category] += ok
        if verbose and not ok:
            print(f"  MISS {e['case']}: {e['resource']} {category}")
    for e in clean:
        category = e["not"]
        bad = (any(k[1] == category for k in found[e["case"]]) if e["resource"] == "*"
               else (normal(e["resource"]), category) in found[e["case"]])
        checked[category] += 1
        fp[category] += bad
        if verbose and bad:
            print(f"  FP   {e['case']}: {e['resource']} {category}")
    return {"hit": hit, "total": total, "fp": fp, "checked": checked, "broken": broken}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("labels", nargs="*", help="labels files (default: every labels/*.yaml)")
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    corpus = Path(args.corpus)
    files = [Path(p) for p in args.labels] or sorted((corpus / "labels").glob("*.yaml"))
    if not files:
        print(f"no labels under {corpus / 'labels'}", file=sys.stderr)
        return 2
    for labels in files:
        start = time.perf_counter()
        print(f"{labels.name}:")
        # labels/goat.yaml labels cases under corpus/goat/, and so on.
        result = score(labels, corpus / labels.stem, args.verbose)
        print(f"  {'category':26} {'recall':>12} {'false positives':>17}")
        for category in sorted(set(result["total"]) | set(result["checked"])):
            t, h = result["total"][category], result["hit"][category]
            c, f = result["checked"][category], result["fp"][category]
            recall = f"{h}/{t} {h / t:.2f}" if t else "-"
            false = f"{f}/{c} {f / c:.2f}" if c else "-"
            print(f"  {category:26} {recall:>12} {false:>17}")
        h, t = sum(result["hit"].values()), sum(result["total"].values())
        f, c = sum(result["fp"].values()), sum(result["checked"].values())
        print(f"  all: recall {h}/{t} = {h / max(t, 1):.2f}; false positives {f}/{c} = {f / max(c, 1):.2f}; "
              f"unreadable cases {len(result['broken'])}; {time.perf_counter() - start:.1f} s")
        for case, errors in result["broken"].items():
            print(f"  UNREADABLE {case}: {errors[0].file}:{errors[0].line}: {errors[0].message}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
