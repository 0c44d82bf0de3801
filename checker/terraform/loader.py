"""Load Terraform directories into RawResources: choose root modules, feed them their
variables (tfvars, --var-file, --var), evaluate them with their local modules."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Optional

from .. import cache
from ..discover import read_text
from ..errors import EvalError, InputError
from ..model import RawResource
from ..paths import real as _real, relative_to_root

if TYPE_CHECKING:
    from ..hcl import ast

# The syntax tree, parser, evaluator and module machinery are imported where they are used: a
# re-run served from the result cache needs none of them, and they are the slowest imports.

LOCAL_SOURCE_PREFIXES = ("./", "../", ".\\", "..\\")


@dataclass
class TerraformResult:
    resources: list = field(default_factory=list)     # RawResource
    errors: list = field(default_factory=list)        # InputError
    notes: list = field(default_factory=list)         # InputError (did not fail the scan)
    files_read: set = field(default_factory=set)      # paths file()/templatefile()/fileset() looked at


def load_terraform(dirs: list[Path], explicit: set, scan_root: Path, *,
                   var_files: list[Path] = (), cli_vars: dict[str, str] | None = None,
                   parse: Optional[Callable[[Path, str], ast.File]] = None) -> TerraformResult:
    """Evaluate every root module among `dirs`.

    A directory that another scanned directory calls as a local module is evaluated only
    through that call (with its real inputs), unless the user named it explicitly.
    """
    parse = parse or _parse_file
    digest = _inputs_digest(dirs, explicit, scan_root, var_files, cli_vars or {})
    if digest is not None:
        cached = cache.get("terraform", digest)
        if cached is not cache.MISS and _unchanged(cached.get("files_read", {})):
            return _from_cacheable(cached)
    result = _evaluate_roots(dirs, explicit, scan_root, var_files, cli_vars, parse)
    if digest is not None:
        cache.put("terraform", digest, _to_cacheable(result))
    return result


@dataclass
class _RootOutcome:
    """What evaluating one root module gives (picklable: it may come from a worker process)."""
    resources: list
    errors: list
    notes: list
    files_read: set


# Terraform source (bytes) per worker process: below this, forking costs more than it saves.
PARALLEL_MIN_BYTES = 256 * 1024


class _Share:
    """Directories one process parses and, those that are root modules, evaluates."""

    def __init__(self, dirs: list[Path], tf_files: dict, scan_root: Path, parse: Callable,
                 var_files, cli_vars, show_progress: bool):
        self.dirs = dirs
        self.tf_files = tf_files   # directory -> its .tf files, listed once for the whole scan
        self.scan_root = scan_root
        self.parse = parse
        self.var_files = var_files
        self.cli_vars = cli_vars
        self.show_progress = show_progress
        self.parsed: dict[Path, ast.File] = {}
        self.parsing = None

    def parse_cached(self, path: Path) -> ast.File:
        parsed = self.parsed
        if path not in parsed:
            rel = ctx_rel(path, self.scan_root)
            try:
                parsed[path] = self.parse(path, rel)
            except InputError:
                raise
            except (RecursionError, MemoryError):
                raise InputError("file too complex to parse", rel) from None
            except Exception as exc:  # noqa: BLE001 - a parser bug must not stop the scan
                raise InputError(f"could not parse ({type(exc).__name__}: {str(exc)[:200]})",
                                 rel) from None
            if self.parsing is not None:
                self.parsing.tick()
        return parsed[path]

    def called_dirs(self) -> set:
        """Phase one: the local module directories these directories call."""
        from ..progress import Progress
        if self.show_progress:
            self.parsing = Progress(sum(len(self.tf_files[d]) for d in self.dirs), "parsing")
        called = _locally_called_dirs(self.dirs, self.tf_files, self.parse_cached)
        if self.parsing is not None:
            self.parsing.close()
            self.parsing = None   # modules outside the share are parsed while evaluating
        return called

    def evaluate(self, roots: list[Path]) -> dict[Path, _RootOutcome]:
        """Phase two: evaluate those of this share's directories that are root modules."""
        from ..progress import Progress
        roots_here = set(roots)
        mine = [d for d in self.dirs if d in roots_here]
        progress = Progress(len(mine), "evaluating modules")
        progress.enabled = progress.enabled and self.show_progress
        outcomes = {}
        for directory in mine:
            ctx, resources = _evaluate_root(directory, self.scan_root, self.parse_cached,
                                            self.var_files, self.cli_vars)
            outcomes[directory] = _RootOutcome(resources, ctx.errors, ctx.notes,
                                               set(ctx.files.touched))
            progress.tick()
        progress.close()
        return outcomes


def _evaluate_roots(dirs, explicit, scan_root, var_files, cli_vars, parse) -> TerraformResult:
    """Parse every directory, find the root modules (those no other scanned directory calls,
    and those named explicitly) and evaluate them; large trees in several processes."""
    from ..parallel import two_phase, worker_count

    dirs = list(dict.fromkeys(_real(d) for d in dirs))
    tf_files = {d: sorted(d.glob("*.tf")) for d in dirs}
    sizes = {d: _total_size(files) for d, files in tf_files.items()}
    shares = _partition(dirs, sizes, worker_count(sum(sizes.values()), PARALLEL_MIN_BYTES))
    make = [_Share(share, tf_files, scan_root, parse, var_files, cli_vars, show_progress=(i == 0))
            for i, share in enumerate(shares)]

    def roots_of(called_sets: list) -> list[Path]:
        called = set().union(*called_sets)
        return [d for d in dirs if d not in called or d in explicit]

    results = None
    if len(make) > 1:
        results = two_phase(make, _Share.called_dirs, roots_of, _Share.evaluate)
    if results is None:   # one process: everything here
        share = _Share(dirs, tf_files, scan_root, parse, var_files, cli_vars, show_progress=True)
        first = share.called_dirs()
        results = [(first, share.evaluate(roots_of([first])))]

    result = TerraformResult()
    outcomes: dict[Path, _RootOutcome] = {}
    for _, share_outcomes in results:
        outcomes.update(share_outcomes)
    for directory in roots_of([called for called, _ in results]):
        outcome = outcomes[directory]
        result.resources.extend(outcome.resources)
        result.errors.extend(outcome.errors)
        result.notes.extend(outcome.notes)
        result.files_read.update(outcome.files_read)
    result.errors = _dedupe(result.errors)
    result.notes = _dedupe(result.notes)
    return result


def _total_size(files: list[Path]) -> int:
    total = 0
    for path in files:
        try:
            total += path.stat().st_size
        except OSError:
            pass
    return total


def _partition(dirs: list[Path], sizes: dict, count: int) -> list[list[Path]]:
    """`count` shares of about the same size (largest directories first), each keeping the
    scan order; the first share is this process's."""
    if count <= 1:
        return [dirs]
    loads = [0] * count
    owner: dict[Path, int] = {}
    for directory in sorted(dirs, key=lambda d: -sizes[d]):
        share = loads.index(min(loads))
        owner[directory] = share
        loads[share] += sizes[directory] + 1
    shares = [[d for d in dirs if owner[d] == i] for i in range(count)]
    return [share for share in shares if share] or [dirs]


def _evaluate_root(directory: Path, scan_root: Path, parse_cached: Callable, var_files,
                   cli_vars) -> tuple[Any, list]:
    """Evaluate one root module: (its Context, holding errors and notes, and its resources)."""
    from ..hcl.evaluate import MAX_EVALUATIONS, set_budget
    from .module import Context, ModuleInstance

    ctx = Context(scan_root, parse_cached, _source_resolver(directory), root_dir=directory)
    set_budget(MAX_EVALUATIONS)   # tfvars included; reset in the finally below
    try:
        inputs = root_variables(directory, ctx, var_files, cli_vars or {})
    except InputError as exc:
        ctx.errors.append(exc)
        inputs = {}
    resources: list[RawResource] = []
    try:
        resources = list(ModuleInstance(ctx, directory, "", inputs).raw_resources())
    except RecursionError:
        ctx.errors.append(InputError("configuration nested too deeply to evaluate",
                                     ctx.rel(directory)))
    except Exception as exc:  # noqa: BLE001 - one module must not stop the whole scan
        ctx.errors.append(InputError(f"could not evaluate this module ({type(exc).__name__}: "
                                     f"{str(exc)[:200]})", ctx.rel(directory)))
    finally:
        set_budget(None)
    return ctx, resources


# ------------------------------------------------------------------ result cache
# An unchanged tree (the same files, variables and pdguard) evaluates to the same resources:
# a re-run loads them instead of evaluating again. The key covers every file evaluation can
# read: the scanned directories' .tf/.tfvars files, the local modules they may call (found by
# a textual superset of `source = "./..."`), modules.json manifests and --var-file contents.
_LOCAL_SOURCE = re.compile(r'\bsource\s*=\s*"(\.{1,2}[/\\][^"]*|\.{1,2})"')
_KEY_SUFFIXES = (".tf", ".tfvars", ".tfvars.json")


def _inputs_digest(dirs, explicit, scan_root, var_files, cli_vars) -> Optional[str]:
    if cache.cache_dir() is None:
        return None
    parts = [str(scan_root).encode(), json.dumps(sorted(map(str, explicit))).encode(),
             json.dumps(sorted(cli_vars.items())).encode()]
    seen: set = set()
    pending = [d.resolve() for d in dirs]
    try:
        for var_file in var_files:
            parts += [str(var_file).encode(), Path(var_file).read_bytes()]
        while pending:
            directory = pending.pop()
            if directory in seen or len(seen) > 2000:
                continue
            seen.add(directory)
            parts.append(str(directory).encode())
            manifest = directory / ".terraform" / "modules" / "modules.json"
            if manifest.is_file():
                parts.append(manifest.read_bytes())
                pending += [(directory / d).resolve() for d in _modules_manifest(directory).values()]
            for path in sorted(directory.iterdir()):
                if not path.name.endswith(_KEY_SUFFIXES) or not path.is_file():
                    continue
                data = path.read_bytes()
                parts += [path.name.encode(), data]
                if path.suffix == ".tf":
                    for source in _LOCAL_SOURCE.findall(data.decode("utf-8", "replace")):
                        target = (directory / source.replace("\\", "/")).resolve()
                        if target.is_dir():
                            pending.append(target)
    except (OSError, RuntimeError):   # RuntimeError: a symlink loop
        return None   # something unreadable: evaluate normally, which reports it
    return cache.key("terraform", parts)


def _to_cacheable(result: TerraformResult) -> dict:
    def plain(errors):
        return [(e.message, e.file, e.line) for e in errors]
    return {"resources": result.resources, "errors": plain(result.errors),
            "notes": plain(result.notes),
            "files_read": {path: _fingerprint(path) for path in result.files_read}}


def _fingerprint(path: str) -> str:
    """What file() & co. saw at `path`: its content, a directory's listing, or its absence."""
    import hashlib
    import os
    try:
        if os.path.isdir(path):
            return "dir:" + hashlib.sha256("\0".join(sorted(os.listdir(path))).encode()).hexdigest()
        with open(path, "rb") as handle:
            return "file:" + hashlib.sha256(handle.read()).hexdigest()
    except OSError:
        return "missing"


def _unchanged(files_read: dict) -> bool:
    """A cached evaluation that read files through file()/templatefile() is valid only while
    those files are as they were."""
    return all(_fingerprint(path) == seen for path, seen in files_read.items())


def _from_cacheable(data: dict) -> TerraformResult:
    return TerraformResult(resources=data["resources"],
                           errors=[InputError(*e) for e in data["errors"]],
                           notes=[InputError(*e) for e in data["notes"]])


def ctx_rel(path: Path, root: Path) -> str:
    return relative_to_root(path, root) or path.name


def _dedupe(items: list) -> list:
    seen, out = set(), []
    for item in items:
        key = (item.file, item.line, item.message)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _parse_file(path: Path, rel: str) -> ast.File:
    from ..hcl.parser import parse_hcl
    return parse_hcl(read_text(path, rel), rel)


def _locally_called_dirs(dirs: list[Path], tf_files: dict, parse: Callable) -> set:
    from ..hcl import ast
    called = set()
    for directory in dirs:
        for path in tf_files[directory]:
            try:
                parsed = parse(path)
            except InputError:
                continue   # reported when the directory itself is evaluated
            for block in parsed.body.blocks_of("module"):
                source = block.body.attributes.get("source")
                if (source is not None and isinstance(source.expr, ast.Literal)
                        and isinstance(source.expr.value, str)
                        and source.expr.value.startswith(LOCAL_SOURCE_PREFIXES)):
                    target = _real(directory / source.expr.value)
                    if target != _real(directory):
                        called.add(target)
    return called


def _source_resolver(root_dir: Path) -> Callable:
    manifest = _modules_manifest(root_dir)

    def resolve(module_dir: Path, source: str, key: str, caller: str) -> Optional[Path]:
        if source.startswith(LOCAL_SOURCE_PREFIXES):
            target = _real(module_dir / source.replace("\\", "/"))
            return target if target.is_dir() else None
        entry = manifest.get(key)
        if entry:
            target = _real(root_dir / entry)
            inside = target == _real(root_dir) or _real(root_dir) in target.parents
            return target if inside and target.is_dir() else None   # never a folder outside
        return None

    return resolve


def _modules_manifest(root_dir: Path) -> dict:
    """`.terraform/modules/modules.json`, written by `terraform init`: module key -> dir."""
    path = root_dir / ".terraform" / "modules" / "modules.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {m["Key"]: m["Dir"] for m in data.get("Modules", [])
                if isinstance(m, dict) and m.get("Key") and m.get("Dir")}
    except (OSError, ValueError, AttributeError, TypeError):
        return {}


# ------------------------------------------------------------------ root variables
def root_variables(directory: Path, ctx, var_files: list[Path], cli_vars: dict) -> dict:
    """Values of the root module's variables, in Terraform's precedence order (later wins):
    terraform.tfvars, terraform.tfvars.json, *.auto.tfvars(.json) in lexical order,
    --var-file in order, --var."""
    values: dict[str, Any] = {}
    files = [directory / "terraform.tfvars", directory / "terraform.tfvars.json"]
    files += sorted(p for p in directory.iterdir()
                    if p.name.endswith((".auto.tfvars", ".auto.tfvars.json")))
    files = [f for f in files if f.is_file()] + [Path(f) for f in var_files]
    for path in files:
        values.update(load_var_file(path, ctx.rel(path)))
    for name, raw in cli_vars.items():
        values[name] = parse_cli_value(raw)
    return values


def load_var_file(path: Path, rel: str) -> dict:
    text = read_text(path, rel)
    if path.name.endswith(".json"):
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise InputError(f"invalid JSON: {exc}", rel, getattr(exc, "lineno", 0)) from None
        if not isinstance(data, dict):
            raise InputError("a .tfvars.json file must hold a JSON object", rel, 1)
        return data
    from ..hcl.evaluate import evaluate
    from ..parse_cache import parse_text
    from .module import _EMPTY_SCOPE
    parsed = parse_text(text, rel)
    values = {}
    for name, attr in parsed.body.attributes.items():
        try:
            values[name] = evaluate(attr.expr, _EMPTY_SCOPE)
        except EvalError as exc:
            raise InputError(f"variable {name!r}: {exc.message}", rel, attr.line) from None
    if parsed.body.blocks:
        block = parsed.body.blocks[0]
        raise InputError(f"unexpected block {block.type!r} in a variables file", rel, block.line)
    return values


def parse_cli_value(raw: str) -> Any:
    """`--var name=value`: complex values are HCL expressions, anything else a string."""
    text = raw.strip()
    if text[:1] in ("[", "{", '"'):
        try:
            from ..hcl.evaluate import evaluate
            from ..hcl.parser import parse_hcl
            from .module import _EMPTY_SCOPE
            parsed = parse_hcl(f"v = {text}\n", "--var")
            return evaluate(parsed.body.attributes["v"].expr, _EMPTY_SCOPE)
        except (InputError, EvalError):
            pass
    return raw
