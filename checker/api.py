"""`scan(paths, config) -> Report`: the one function every entry point calls."""
from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

from .config import ScanConfig
from .model import Report, ScanError


@dataclass
class Loaded:
    """Everything before policies: the graph and what could not be read."""
    graph: object
    root: Path
    errors: list = field(default_factory=list)
    notes: list = field(default_factory=list)


def load(paths: Iterable, config: ScanConfig) -> Loaded:
    """discover -> load/evaluate -> normalize -> classify -> graph."""
    from . import classify, discover, exposure, parse_cache
    from .formats import load_other_files
    from .graph import Graph
    from .normalize import normalize
    from .terraform.loader import load_terraform

    paths = [Path(p) for p in paths]
    missing = [p for p in paths if not p.exists()]
    found = discover.discover([p for p in paths if p.exists()], _excluder(config.exclude))
    errors = [ScanError(str(p), 0, "path does not exist") for p in missing]

    tf = load_terraform(found.terraform_dirs, found.explicit_dirs, found.root,
                        var_files=[Path(v) for v in config.var_files], cli_vars=config.variables,
                        parse=parse_cache.parse)
    errors += [ScanError(e.file, e.line, e.message) for e in tf.errors]
    notes = [ScanError(e.file, e.line, e.message) for e in tf.notes]

    other = load_other_files(found.other_files, lambda p: discover.relative(p, found.root), config)
    errors += [ScanError(e.file, e.line, e.message) for e in other.errors]
    notes += [ScanError(e.file, e.line, e.message) for e in other.notes]

    raws = tf.resources
    if other.resources:
        from .tfplan.merge import combine   # a plan/state beside its .tf files replaces their twins
        raws = combine(tf.resources, other.resources)
    normalize_errors: list = []
    resources = normalize(raws, normalize_errors)
    errors += [ScanError(e.file, e.line, e.message) for e in normalize_errors]
    vocabulary = classify.Vocabulary(
        words=classify.PERSONAL_WORDS + tuple(config.personal_words), data_map=dict(config.data_map))
    classify.classify_all(resources, vocabulary)
    graph = Graph(resources)
    exposure.analyse(graph)
    return Loaded(graph, found.root, errors, notes)


def scan(paths: Iterable, config: Optional[ScanConfig] = None) -> Report:
    from . import findings, suppress
    from .policy.engine import run
    from .policy.loader import load_policies

    config = config or ScanConfig()
    loaded = load(paths, config)
    policies = [p for p in load_policies(tuple(config.policy_dirs)) if _selected(p, config)]
    output = run(policies, loaded.graph)
    found, suppression_notes = suppress.apply(findings.from_evaluations(output.evaluations, config),
                                              list(loaded.graph), policies, loaded.root, config)
    return Report(findings=found,
                  errors=loaded.errors + output.errors, resources=list(loaded.graph),
                  notes=loaded.notes + suppression_notes, root=str(loaded.root), policies=policies,
                  graph=loaded.graph)


def _selected(policy, config: ScanConfig) -> bool:
    if config.select and not any(policy.matches(s) for s in config.select):
        return False
    return not any(policy.matches(s) for s in config.ignore)


def _excluder(patterns: list):
    if not patterns:
        return lambda rel: False
    return lambda rel: any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(rel, p.rstrip("/") + "/*")
                           for p in patterns)
