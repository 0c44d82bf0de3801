"""Evaluate one Terraform module instance the way Terraform would, lazily.

A module instance owns a scope (var, local, module, data, resource types, path, terraform).
Every name is evaluated on first use and memoized, so references may go in any order across
resources and modules, as in Terraform; a real cycle becomes an EvalError. Resources expand
by `count` / `for_each` into instances addressed as `terraform plan` prints them.

What the files cannot tell (computed attributes, variables without a value, remote modules)
is Unknown, carrying the address of the resource it came from.
"""
from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

from ..errors import EvalError, InputError
from ..hcl import ast
from ..hcl.evaluate import ChildScope, evaluate
from ..hcl.functions import LimitError
from ..model import Location, RawResource
from ..paths import real_file, relative_to_root
from ..values import Unknown, is_unknown, refs_of
from . import iam_document
from .types import convert_to_type

MAX_INSTANCES = 10_000
MAX_TOTAL_INSTANCES = 50_000   # in one root module with all its module calls
MAX_MODULE_DEPTH = 24
META_ATTRIBUTES = frozenset({"count", "for_each", "provider", "depends_on"})
META_BLOCKS = frozenset({"lifecycle", "provisioner", "connection"})
MODULE_META = frozenset({"source", "version", "count", "for_each", "providers", "depends_on"})
_MISSING = object()


class CycleError(LimitError):
    """A reference cycle: Terraform refuses such a configuration before evaluating anything,
    so try() and can() do not catch it, and the scan fails."""


class LazyMap(Mapping):
    """A mapping whose values are computed on first access (and cycles detected)."""

    def __init__(self, keys: Iterator[str], compute: Callable[[str], Any], what: str):
        self._keys = list(dict.fromkeys(keys))
        self._compute = compute
        self._what = what
        self._memo: dict[str, Any] = {}
        self._busy: set[str] = set()

    def __getitem__(self, key: str) -> Any:
        value = self._memo.get(key, _MISSING)
        if value is not _MISSING:
            return value
        if key not in self._keys:
            raise KeyError(key)
        if key in self._busy:
            raise CycleError(f"cycle: {self._what}.{key} depends on itself")
        self._busy.add(key)
        try:
            value = self._compute(key)
        finally:
            self._busy.discard(key)
        self._memo[key] = value
        return value

    def __iter__(self):
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __repr__(self) -> str:
        return f"<{self._what} {self._keys[:5]}>"


def instance_key_suffix(key: Any) -> str:
    if key is None:
        return ""
    if isinstance(key, int):
        return f"[{key}]"
    return f"[{json.dumps(key, ensure_ascii=False)}]"


class Context:
    """What every module instance of one scan shares: file loading, diagnostics."""

    def __init__(self, scan_root: Path, parse: Callable[[Path], ast.File],
                 resolve_source: Callable[[Path, str, str, str], Optional[Path]],
                 root_dir: Optional[Path] = None):
        from ..hcl.functions import FileAccess, functions_for
        self.scan_root = scan_root
        self.root_dir = root_dir or scan_root   # where Terraform would run: file() paths start here
        self.parse = parse                    # Path -> ast.File (raises InputError)
        self.resolve_source = resolve_source  # (module dir, source, module key, caller) -> dir
        self.errors: list[InputError] = []
        self.notes: list[InputError] = []
        self._defs: dict[Path, ModuleDef] = {}
        self.instance_count = 0               # resource and module instances, all modules
        # file(), templatefile(), fileset(): relative to the root module, never outside the tree.
        self.files = FileAccess(str(self.root_dir), str(scan_root))
        self.functions = functions_for(str(self.root_dir), str(scan_root), access=self.files)

    def rel(self, path: Path) -> str:
        return relative_to_root(path, self.scan_root) or path.name

    def note(self, message: str, file: str, line: int = 0) -> None:
        self.notes.append(InputError(message, file, line))

    def count_instances(self, n: int, what: str, rel: str, line: int) -> None:
        """Account for `n` more instances; an InputError beyond MAX_TOTAL_INSTANCES (modules
        with count inside modules with count multiply), before any of them is built."""
        if self.instance_count + n > MAX_TOTAL_INSTANCES:
            raise InputError(f"more than {MAX_TOTAL_INSTANCES:,} resource and module instances in this "
                             "configuration; the rest are not expanded", rel, line)
        self.instance_count += n

    def module_def(self, directory: Path) -> "ModuleDef":
        directory = directory.resolve()
        if directory not in self._defs:
            self._defs[directory] = ModuleDef.load(self, directory)
        return self._defs[directory]


class ModuleDef:
    """The static content of one directory: its blocks, parsed once and shared by instances."""

    def __init__(self, directory: Path):
        self.dir = directory
        self.variables: dict[str, tuple[ast.Block, str]] = {}
        self.locals: dict[str, tuple[ast.Attribute, str]] = {}
        self.resources: list[tuple[str, ast.Block, str]] = []   # (mode, block, file)
        self.modules: dict[str, tuple[ast.Block, str]] = {}
        self.outputs: dict[str, tuple[ast.Block, str]] = {}
        self.providers: dict[str, tuple[ast.Block, str]] = {}   # "aws" or "aws.alias"
        self.files: list[str] = []

    @classmethod
    def load(cls, ctx: Context, directory: Path) -> "ModuleDef":
        mdef = cls(directory)
        for path in sorted(directory.glob("*.tf")):
            if path.is_dir():   # a folder named x.tf is not a file Terraform reads; a broken
                continue        # or looping symlink is, and fails to read below
            rel = ctx.rel(path)
            try:
                parsed = ctx.parse(path)
            except InputError as exc:
                ctx.errors.append(exc)
                continue
            mdef.files.append(rel)
            mdef._add_file(ctx, parsed, rel)
        return mdef

    def _add_file(self, ctx: Context, parsed: ast.File, rel: str) -> None:
        for block in parsed.body.blocks:
            kind, labels = block.type, block.labels
            if kind == "variable" and len(labels) == 1:
                self.variables[labels[0]] = (block, rel)
            elif kind == "locals":
                for name, attr in block.body.attributes.items():
                    if name in self.locals:
                        ctx.errors.append(InputError(f"local value {name!r} defined twice", rel, attr.line))
                    self.locals[name] = (attr, rel)
            elif kind in ("resource", "data") and len(labels) == 2:
                self.resources.append(("managed" if kind == "resource" else "data", block, rel))
            elif kind == "module" and len(labels) == 1:
                self.modules[labels[0]] = (block, rel)
            elif kind == "output" and len(labels) == 1:
                self.outputs[labels[0]] = (block, rel)
            elif kind == "provider" and len(labels) == 1:
                alias = block.body.attributes.get("alias")
                name = labels[0]
                if alias is not None and isinstance(alias.expr, ast.Literal):
                    name = f"{name}.{alias.expr.value}"
                self.providers[name] = (block, rel)


class ModuleInstance:
    """One instance of a module: root, or `module.name["key"]` inside its parent."""

    def __init__(self, ctx: Context, directory: Path, prefix: str,
                 inputs: Mapping, chain: tuple = (), parent: Optional["ModuleInstance"] = None):
        self.ctx = ctx
        self.mdef = ctx.module_def(directory)
        self.parent = parent
        self.prefix = prefix          # "" or 'module.a["k"].'
        self.chain = chain + (self.mdef.dir,)
        self._inputs = inputs
        self.var = LazyMap(self.mdef.variables, self._variable, "var")
        self.local = LazyMap(self.mdef.locals, self._local, "local")
        self.decls: list[ResourceDecl] = [ResourceDecl(self, mode, block, rel)
                                          for mode, block, rel in self.mdef.resources]
        managed: dict[str, dict[str, ResourceDecl]] = {}
        data: dict[str, dict[str, ResourceDecl]] = {}
        for d in self.decls:
            (managed if d.mode == "managed" else data).setdefault(d.type, {})[d.name] = d
        self._types = {t: LazyMap(ds, lambda n, ds=ds: ds[n].value(), t) for t, ds in managed.items()}
        self._data = LazyMap(data, lambda t: LazyMap(data[t], lambda n, t=t: data[t][n].value(), f"data.{t}"), "data")
        self.calls = {name: ModuleCall(self, name, block, rel) for name, (block, rel) in self.mdef.modules.items()}
        self._modules = LazyMap(self.calls, lambda n: self.calls[n].value(), "module")
        self.scope = ModuleScope(self)
        self.outputs = LazyMap(self.mdef.outputs, self._output, "output")
        self._path: Optional[dict] = None

    def path_object(self) -> dict:
        """`path`: paths relative to the root module, the directory Terraform runs in."""
        if self._path is None:
            rel = Path(os.path.relpath(self.mdef.dir, real_file(self.ctx.root_dir))).as_posix()
            self._path = {"module": rel, "root": ".", "cwd": "."}
        return dict(self._path)   # a copy: callers may not change the cached one

    def region_for(self, provider: str) -> Any:
        """The `region` (AWS), `location`/`region` (GCP) of the provider configuration a resource
        uses: this module's own provider block, else the caller's (providers are inherited)."""
        module: Optional[ModuleInstance] = self
        while module is not None:
            entry = module.mdef.providers.get(provider)
            if entry is not None:
                block, rel = entry
                attr = block.body.attributes.get("region")
                return None if attr is None else module.eval(attr.expr, module.scope, rel)
            module = module.parent
        return None

    # ---------------------------------------------------------------- names
    def _variable(self, name: str) -> Any:
        block, rel = self.mdef.variables[name]
        type_attr = block.body.attributes.get("type")
        value = self._inputs[name] if name in self._inputs else _MISSING
        if value is _MISSING:
            default = block.body.attributes.get("default")
            if default is None:
                return Unknown(f"variable {name!r} has no value")
            value = self.eval_static(default.expr, rel)
        if type_attr is not None and not is_unknown(value):
            value = convert_to_type(value, type_attr.expr, self)
        return value

    def _local(self, name: str) -> Any:
        attr, rel = self.mdef.locals[name]
        return self.eval(attr.expr, self.scope, rel)

    def _output(self, name: str) -> Any:
        block, rel = self.mdef.outputs[name]
        attr = block.body.attributes.get("value")
        return None if attr is None else self.eval(attr.expr, self.scope, rel)

    # ---------------------------------------------------------------- evaluation
    def eval(self, expr: ast.Expr, scope, rel: str) -> Any:
        """Evaluate; an expression Terraform would reject becomes UNKNOWN plus a note. Input
        beyond pdguard's limits (LimitError) and reference cycles fail the scan (exit 2)."""
        try:
            return evaluate(expr, scope)
        except EvalError as exc:
            line = exc.line or getattr(expr, "line", 0)
            if isinstance(exc, LimitError):
                self.ctx.errors.append(InputError(exc.message, rel, line))
            else:
                self.ctx.note(exc.message, rel, line)
            return Unknown(f"could not evaluate: {exc.message}")

    def eval_static(self, expr: ast.Expr, rel: str) -> Any:
        """Variable defaults may not reference anything."""
        return self.eval(expr, _EMPTY_SCOPE, rel)

    def raw_resources(self) -> Iterator[RawResource]:
        for decl in self.decls:
            for inst in decl.instances():
                yield inst.raw()
        for call in self.calls.values():
            for child in call.instances():
                yield from child.raw_resources()


class ModuleScope:
    def __init__(self, module: ModuleInstance):
        self.m = module
        self.functions = module.ctx.functions

    def lookup(self, name: str, line: int) -> Any:
        m = self.m
        if name == "var":
            return m.var
        if name == "local":
            return m.local
        if name == "module":
            return m._modules
        if name == "data":
            return m._data
        if name in m._types:
            return m._types[name]
        if name == "path":
            return m.path_object()
        if name == "terraform":
            return {"workspace": "default"}
        if name in ("count", "each", "self"):
            raise EvalError(f"{name!r} is not available here", line)
        if "_" in name:
            # A resource type with no declaration in this module.
            raise EvalError(f"reference to undeclared resource type {name!r}", line)
        raise EvalError(f"unknown name {name!r}", line)


class _EmptyScope:
    def lookup(self, name: str, line: int) -> Any:
        raise EvalError(f"{name!r} cannot be referenced here", line)


_EMPTY_SCOPE = _EmptyScope()


def _expansion(module: ModuleInstance, body: ast.Body, rel: str, what: str) -> list:
    """[(key, each_or_count_scope_names)] for count / for_each, or [(None, {})]."""
    count = body.attributes.get("count")
    for_each = body.attributes.get("for_each")
    if count is not None:
        value = module.eval(count.expr, module.scope, rel)
        if is_unknown(value):
            module.ctx.note(f"count of {what} is not known before apply; evaluated once as a "
                            "representative instance", rel, count.line)
            return [(None, {"count": {"index": Unknown("count.index of an unknown count")}})]
        n = _to_count(value, module, rel, count.line, what)
        module.ctx.count_instances(n, what, rel, count.line)
        return [(i, {"count": {"index": i}}) for i in range(n)]
    if for_each is not None:
        value = module.eval(for_each.expr, module.scope, rel)
        items = _for_each_items(value)
        if items is None:
            reason = value.reason if is_unknown(value) else f"for_each of {what} is not a map or set"
            module.ctx.note(f"for_each of {what} is not known before apply ({reason}); evaluated "
                            "once as a representative instance", rel, for_each.line)
            unknown = Unknown(f"each of an unknown for_each ({reason})", refs_of(value))
            return [(None, {"each": {"key": unknown, "value": unknown}})]
        if len(items) > MAX_INSTANCES:
            raise InputError(f"for_each of {what} has {len(items)} elements (limit {MAX_INSTANCES})",
                             rel, for_each.line)
        module.ctx.count_instances(len(items), what, rel, for_each.line)
        return [(k, {"each": {"key": k, "value": v}}) for k, v in items]
    return [(None, {})]


def _to_count(value: Any, module: ModuleInstance, rel: str, line: int, what: str) -> int:
    try:
        n = int(float(value)) if isinstance(value, (str, float)) else value
        if isinstance(n, bool) or not isinstance(n, int):
            raise ValueError
    except (TypeError, ValueError, OverflowError):  # OverflowError: infinity
        shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
        raise InputError(f"count of {what} is not a number: {shown}", rel, line) from None
    if n < 0:
        raise InputError(f"count of {what} is negative", rel, line)
    if n > MAX_INSTANCES:
        shown = str(n) if n < 10**15 else f"a {len(str(n))}-digit number"
        raise InputError(f"count of {what} is {shown} (limit {MAX_INSTANCES})", rel, line)
    return n


def _for_each_items(value: Any) -> Optional[list]:
    """Sorted (key, value) pairs of a for_each value, or None when not knowable."""
    if is_unknown(value):
        return None
    if isinstance(value, Mapping):
        if any(is_unknown(k) for k in value):
            return None
        return sorted(((str(k), v) for k, v in value.items()), key=lambda kv: kv[0])
    if isinstance(value, (list, tuple, set)):
        if any(is_unknown(v) or isinstance(v, (dict, list)) for v in value):
            return None
        keys = sorted({_scalar_str(v) for v in value if v is not None})
        return [(k, k) for k in keys]
    return None


def _scalar_str(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


class ResourceDecl:
    """A `resource` or `data` block of a module instance, expanded into instances."""

    def __init__(self, module: ModuleInstance, mode: str, block: ast.Block, rel: str):
        self.module, self.mode, self.block, self.rel = module, mode, block, rel
        self.type, self.name = block.labels
        kind = "data." if mode == "data" else ""
        self.address = f"{module.prefix}{kind}{self.type}.{self.name}"
        self._instances: Optional[list[ResourceInstance]] = None
        self._static_refs: Optional[frozenset] = None
        self._shape = "single"

    def instances(self) -> list["ResourceInstance"]:
        if self._instances is None:
            body = self.block.body
            self._shape = ("count" if "count" in body.attributes else
                           "for_each" if "for_each" in body.attributes else "single")
            try:
                expansion = _expansion(self.module, body, self.rel, self.address)
            except InputError as exc:
                self.module.ctx.errors.append(exc)
                expansion = []
            self._instances = [ResourceInstance(self, key, names) for key, names in expansion]
        return self._instances

    def static_refs(self) -> frozenset:
        """Addresses named in the block's expressions: the same for every instance."""
        if self._static_refs is None:
            self._static_refs = frozenset(_static_refs(self.block.body, self.module.prefix))
        return self._static_refs

    def value(self) -> Any:
        """What a reference to `type.name` evaluates to."""
        insts = self.instances()
        if len(insts) == 1 and insts[0].key is None and self._shape != "single":
            return Unknown(f"instances of {self.address} are not known before apply", {self.address})
        if self._shape == "count":
            return [i.view for i in insts]
        if self._shape == "for_each":
            return {i.key: i.view for i in insts}
        return insts[0].view if insts else None


class ResourceInstance:
    def __init__(self, decl: ResourceDecl, key: Any, names: dict):
        self.decl = decl
        self.key = key
        self.address = decl.address + instance_key_suffix(key)
        module = decl.module
        self.scope = ChildScope(module.scope, names) if names else module.scope
        self.view = InstanceView(self)
        self._raw: Optional[RawResource] = None

    def raw(self) -> RawResource:
        if self._raw is None:
            decl = self.decl
            attributes = {k: _detached(self.view[k]) for k in self.view}
            lines: dict[str, int] = {}
            _collect_lines(decl.block.body, "", lines)
            refs = set(decl.static_refs()) | set(refs_of(attributes))
            refs.discard(self.address)
            self._raw = RawResource(
                address=self.address, type=decl.type, attributes=attributes,
                location=Location(decl.rel, decl.block.line), attr_lines=lines,
                refs=frozenset(refs), module=decl.module.prefix.rstrip("."), mode=decl.mode,
                region=decl.module.region_for(self._provider_name()))
        return self._raw


    def _provider_name(self) -> str:
        attr = self.decl.block.body.attributes.get("provider")
        if attr is not None and isinstance(attr.expr, ast.GetAttr) and isinstance(attr.expr.obj, ast.Variable):
            return f"{attr.expr.obj.name}.{attr.expr.name}"
        return self.decl.type.split("_", 1)[0]


def _detached(value: Any, depth: int = 0) -> Any:
    """A value that stands on its own after evaluation: plain dicts and lists, no lazy views.

    A whole resource used as a value (`x = aws_s3_bucket.b`) is an object Terraform knows only
    after apply: UNKNOWN, naming the resource. Other lazy mappings (module outputs) are copied.
    """
    if isinstance(value, (str, int, float, bool)) or value is None or is_unknown(value):
        return value
    if depth > 32:
        return Unknown("value nested too deeply to keep")
    if isinstance(value, InstanceView):
        address = value._inst.address
        return Unknown(f"{address} (the whole resource as a value) is known only after apply",
                       {address})
    if isinstance(value, list):
        return [_detached(v, depth + 1) for v in value]
    if isinstance(value, tuple):
        return tuple(_detached(v, depth + 1) for v in value)
    if isinstance(value, Mapping):
        return {k: _detached(v, depth + 1) for k, v in value.items()}
    return value


class InstanceView(Mapping):
    """A resource instance as other expressions see it: its configuration, with every
    attribute the configuration does not set UNKNOWN (computed after apply)."""

    def __init__(self, inst: ResourceInstance):
        self._inst = inst
        body = inst.decl.block.body
        self._attrs = {n: a for n, a in body.attributes.items() if n not in META_ATTRIBUTES}
        names = [b.type for b in body.blocks if b.type not in META_BLOCKS and b.type != "dynamic"]
        names += [b.labels[0] for b in body.blocks if b.type == "dynamic" and b.labels]
        self._blocks = list(dict.fromkeys(names))
        self._lazy = LazyMap(list(self._attrs) + self._blocks, self._compute, inst.address)
        self._extra = iam_document.EXTRA_ATTRIBUTES.get(inst.decl.type, ())

    def _compute(self, name: str) -> Any:
        inst = self._inst
        module = inst.decl.module
        if name in self._attrs:
            return module.eval(self._attrs[name].expr, inst.scope, inst.decl.rel)
        return evaluate_blocks(inst.decl.block.body, name, inst.scope, module, inst.decl.rel)

    def __getitem__(self, name: str) -> Any:
        if name in self._lazy:
            return self._lazy[name]
        if name in self._extra:
            return iam_document.render(self._inst.decl.type, self, self._inst.address)
        return Unknown(f"{self._inst.address}.{name} is known only after apply", {self._inst.address})

    def __iter__(self):
        return iter(self._lazy)

    def __len__(self) -> int:
        return len(self._lazy)

    def __contains__(self, name: object) -> bool:
        return True   # every attribute exists (unknown when computed)


def evaluate_blocks(body: ast.Body, name: str, scope, module: ModuleInstance, rel: str) -> list:
    """All blocks `name` of a body, static and dynamic, evaluated, in source order."""
    out: list = []
    for block in body.blocks:
        if block.type == name:
            out.append(evaluate_body(block.body, scope, module, rel))
        elif block.type == "dynamic" and block.labels and block.labels[0] == name:
            out.extend(_expand_dynamic(block, scope, module, rel))
    return out


def evaluate_body(body: ast.Body, scope, module: ModuleInstance, rel: str) -> dict:
    out: dict = {}
    for attr_name, attr in body.attributes.items():
        out[attr_name] = module.eval(attr.expr, scope, rel)
    names = dict.fromkeys(b.type if b.type != "dynamic" else (b.labels or [""])[0]
                          for b in body.blocks if b.type not in META_BLOCKS)
    for block_name in names:
        out[block_name] = evaluate_blocks(body, block_name, scope, module, rel)
    return out


def _expand_dynamic(block: ast.Block, scope, module: ModuleInstance, rel: str) -> list:
    name = block.labels[0]
    for_each = block.body.attributes.get("for_each")
    iterator_attr = block.body.attributes.get("iterator")
    iterator = name
    if iterator_attr is not None and isinstance(iterator_attr.expr, ast.Variable):
        iterator = iterator_attr.expr.name
    contents = block.body.blocks_of("content")
    if for_each is None or not contents:
        module.ctx.note(f"dynamic block {name!r} needs for_each and content", rel, block.line)
        return []
    value = module.eval(for_each.expr, scope, rel)
    if is_unknown(value):
        return [Unknown(f"dynamic {name!r} blocks are not known before apply", refs_of(value))]
    if isinstance(value, Mapping):
        items = sorted(value.items(), key=lambda kv: str(kv[0]))
    elif isinstance(value, (list, tuple)):
        items = list(enumerate(value))
    elif value is None:
        items = []
    else:
        module.ctx.note(f"for_each of dynamic block {name!r} is not a collection", rel, for_each.line)
        return [Unknown(f"dynamic {name!r} over a non-collection")]
    out = []
    for key, item in items:
        inner = ChildScope(scope, {iterator: {"key": key, "value": item}})
        out.append(evaluate_body(contents[0].body, inner, module, rel))
    return out


def _collect_lines(body: ast.Body, prefix: str, lines: dict) -> None:
    for name, attr in body.attributes.items():
        lines[prefix + name] = attr.line
    counters: dict[str, int] = {}
    for block in body.blocks:
        if block.type in META_BLOCKS:
            continue
        if block.type == "dynamic":
            name = (block.labels or [""])[0]
            lines.setdefault(prefix + name, block.line)
            contents = block.body.blocks_of("content")
            if contents:
                # Every expanded block points at the dynamic block's content lines.
                _collect_lines(contents[0].body, f"{prefix}{name}.*.", lines)
            continue
        index = counters.get(block.type, 0)
        counters[block.type] = index + 1
        lines.setdefault(prefix + block.type, block.line)
        lines[f"{prefix}{block.type}.{index}"] = block.line
        _collect_lines(block.body, f"{prefix}{block.type}.{index}.", lines)


def _static_refs(body: ast.Body, prefix: str) -> Iterator[str]:
    """Addresses of resources/modules named in a body's expressions (the graph's edges)."""
    for attr in body.attributes.values():
        yield from _expr_refs(attr.expr, prefix)
    for block in body.blocks:
        yield from _static_refs(block.body, prefix)


def _expr_refs(expr: Any, prefix: str, depth: int = 0) -> Iterator[str]:
    if depth > 200 or expr is None:
        return
    if isinstance(expr, ast.GetAttr):
        chain = []
        node = expr
        while isinstance(node, ast.GetAttr):
            chain.append(node.name)
            node = node.obj
        if isinstance(node, ast.Variable):
            chain.append(node.name)
            chain.reverse()
            root = chain[0]
            if root == "module" and len(chain) >= 2:
                yield f"{prefix}module.{chain[1]}"
            elif root == "data" and len(chain) >= 3:
                yield f"{prefix}data.{chain[1]}.{chain[2]}"
            elif "_" in root and root not in ("count", "each", "self", "path", "terraform") and len(chain) >= 2:
                yield f"{prefix}{root}.{chain[1]}"
    if isinstance(expr, (ast.Literal, ast.Variable, ast.SplatItem)) or isinstance(expr, str):
        return
    for child in _children(expr):
        yield from _expr_refs(child, prefix, depth + 1)


_CHILD_SLOTS: dict = {}


def _children(expr: Any) -> Iterator[Any]:
    kind = type(expr)
    slots = _CHILD_SLOTS.get(kind)
    if slots is None:
        slots = _CHILD_SLOTS[kind] = tuple(s for s in getattr(kind, "__slots__", ())
                                           if s not in ("line", "name", "op", "key_var", "value_var", "group",
                                                        "expand_final", "value"))
    for slot in slots:
        value = getattr(expr, slot, None)
        if isinstance(value, tuple):
            for item in value:
                if isinstance(item, tuple):
                    yield from item
                else:
                    yield item
        elif slot != "line" and not isinstance(value, (str, int, type(None))):
            yield value


class ModuleCall:
    """A `module` block: resolved source, expanded instances, their outputs."""

    def __init__(self, parent: ModuleInstance, name: str, block: ast.Block, rel: str):
        self.parent, self.name, self.block, self.rel = parent, name, block, rel
        self.address = f"{parent.prefix}module.{name}"
        self._instances: Optional[list] = None
        self._shape = ("count" if "count" in block.body.attributes else
                       "for_each" if "for_each" in block.body.attributes else "single")
        self.directory = self._resolve()

    def _resolve(self) -> Optional[Path]:
        parent = self.parent
        source_attr = self.block.body.attributes.get("source")
        source = None
        if source_attr is not None and isinstance(source_attr.expr, ast.Literal):
            source = source_attr.expr.value
        if not isinstance(source, str):
            parent.ctx.note(f"module {self.name!r} has no literal source; not evaluated",
                            self.rel, self.block.line)
            return None
        key = ".".join(part.split("[")[0].removeprefix("module.")
                       for part in self.address.split(".module.")) if self.address else self.name
        directory = parent.ctx.resolve_source(parent.mdef.dir, source, key, self.rel)
        if directory is None:
            parent.ctx.note(f"module {self.name!r} (source {source!r}) not evaluated: remote modules "
                            "are never downloaded and no .terraform/modules/modules.json lists it; "
                            "its outputs are UNKNOWN", self.rel, self.block.line)
            return None
        if directory.resolve() in parent.chain:
            parent.ctx.errors.append(InputError(f"module {self.name!r} sources itself (cycle through "
                                                f"{source!r})", self.rel, self.block.line))
            return None
        if len(parent.chain) >= MAX_MODULE_DEPTH:
            parent.ctx.errors.append(InputError(f"modules nested deeper than {MAX_MODULE_DEPTH}",
                                                self.rel, self.block.line))
            return None
        return directory

    def instances(self) -> list[ModuleInstance]:
        if self._instances is None:
            self._instances = []
            if self.directory is not None:
                try:
                    expansion = _expansion(self.parent, self.block.body, self.rel, self.address)
                except InputError as exc:
                    self.parent.ctx.errors.append(exc)
                    expansion = []
                for key, names in expansion:
                    scope = ChildScope(self.parent.scope, names) if names else self.parent.scope
                    prefix = f"{self.address}{instance_key_suffix(key)}."
                    inputs = LazyMap([a for a in self.block.body.attributes if a not in MODULE_META],
                                     lambda n, s=scope: self._input(n, s), f"{self.address} inputs")
                    child = ModuleInstance(self.parent.ctx, self.directory, prefix, inputs,
                                           self.parent.chain, parent=self.parent)
                    child.key = key
                    self._instances.append(child)
        return self._instances

    def _input(self, name: str, scope) -> Any:
        attr = self.block.body.attributes[name]
        return self.parent.eval(attr.expr, scope, self.rel)

    def value(self) -> Any:
        if self.directory is None:
            return _UnknownOutputs(self.address)
        insts = self.instances()
        if len(insts) == 1 and getattr(insts[0], "key", None) is None and self._shape != "single":
            return Unknown(f"instances of {self.address} are not known before apply", {self.address})
        if self._shape == "count":
            return [m.outputs for m in insts]
        if self._shape == "for_each":
            return {m.key: m.outputs for m in insts}
        return insts[0].outputs if insts else None


class _UnknownOutputs(Mapping):
    """Outputs of a module that was not evaluated: every one UNKNOWN."""

    def __init__(self, address: str):
        self.address = address

    def __getitem__(self, name: str) -> Any:
        return Unknown(f"output {name!r} of {self.address}, which was not evaluated", {self.address})

    def __iter__(self):
        return iter(())

    def __len__(self) -> int:
        return 0

    def __contains__(self, name: object) -> bool:
        return True
