"""Compare pdguard's HCL parser with the reference parser on a corpus of .tf files.

    .venv/bin/python benchmarks/parser_agreement.py [FOLDER ...]   (default ../shared/corpus)

For every .tf file (UTF-8 ones; the others fail before parsing in both): both parsers must
give the same tree, lines included, or both an error. Prints the counts, the parse time of
each, each disagreement, and exits 1 if there is any. Needs the test extras (python-hcl2).
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from checker.errors import InputError  # noqa: E402
from checker.hcl.parser import parse_hcl  # noqa: E402
from hcl_reference_parser import parse_hcl as reference_parse  # noqa: E402


def _timed(parse, text: str, path: str):
    start = time.perf_counter()
    try:
        result = parse(text, path)
    except InputError as exc:
        result = exc
    return result, time.perf_counter() - start


def main(folders: list[str]) -> int:
    files = [p for folder in folders for p in sorted(Path(folder).rglob("*.tf")) if p.is_file()]
    same = both_errors = skipped = 0
    ours_total = reference_total = 0.0
    disagreements = []
    for path in files:
        try:
            text = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            skipped += 1
            continue
        ours, ours_time = _timed(parse_hcl, text, str(path))
        reference, reference_time = _timed(reference_parse, text, str(path))
        ours_total += ours_time
        reference_total += reference_time
        ours_failed = isinstance(ours, InputError)
        if ours_failed and isinstance(reference, InputError):
            both_errors += 1
        elif not ours_failed and ours == reference:
            same += 1
        else:
            disagreements.append((path, ours, reference))
    print(f"{len(files)} files: {same} same tree, {both_errors} rejected by both, "
          f"{len(disagreements)} disagreements, {skipped} not UTF-8")
    print(f"parse time: pdguard {ours_total:.2f} s, reference {reference_total:.2f} s "
          f"({reference_total / max(ours_total, 1e-9):.1f}x)")
    for path, ours, reference in disagreements:
        describe = (lambda r: f"error: {r}" if isinstance(r, InputError) else "parsed")
        print(f"  {path}\n    pdguard:   {describe(ours)}\n    reference: {describe(reference)}")
    return 1 if disagreements else 0


if __name__ == "__main__":
    default = [str(ROOT.parent / "shared" / "corpus")]
    sys.exit(main(sys.argv[1:] or default))
