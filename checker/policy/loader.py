"""Load policy folders: `policy.yaml` validated against schema.json, plus an optional
Python check. A policy that does not validate is a configuration error, never skipped."""
from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Optional

import yaml

from ..errors import InputError

SCHEMA_PATH = Path(__file__).with_name("schema.json")


@dataclass(frozen=True)
class Policy:
    id: str
    name: str
    title: str
    category: str
    severity: str
    description: str
    remediation: dict
    references: tuple
    compliance: dict
    applies_to: dict
    folder: Path
    fail_when: Optional[dict] = None
    check: Optional[Callable] = None
    message: str = ""
    aliases: tuple = ()
    meta: dict = field(default_factory=dict, compare=False, hash=False)

    def matches(self, selector: str) -> bool:
        """Selection by id, alias, name or id prefix ("PDG1")."""
        return (selector in (self.id, self.name) or selector in self.aliases
                or (len(selector) < len(self.id) and self.id.startswith(selector)))


def builtin_policy_dir() -> Path:
    """The catalog: `policies/` beside the package in a checkout, or the installed copy."""
    here = Path(__file__).resolve().parent.parent
    source_tree = here.parent / "policies"
    if source_tree.is_dir():
        return source_tree
    import checker.builtin_policies as installed  # type: ignore[import-not-found]
    return Path(installed.__file__).parent


@lru_cache(maxsize=1)
def _validator():
    import jsonschema
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def load_policies(extra_dirs: tuple = ()) -> list[Policy]:
    """Every policy of the catalog and of `extra_dirs` (each a folder of policy folders, or a
    single policy folder), ordered by id. Duplicate ids are an error."""
    folders: list[tuple[Path, bool]] = []
    builtin = builtin_policy_dir()
    for base in (builtin, *map(Path, extra_dirs)):
        # The catalog is schema-checked by its own test suite before it ships; users' policies
        # are checked every time they change.
        validate = base != builtin
        if (base / "policy.yaml").is_file():
            folders.append((base, validate))
        elif base.is_dir():
            folders += [(p.parent, validate) for p in sorted(base.glob("*/policy.yaml"))]
        else:
            raise InputError("policy directory not found", str(base))
    policies: dict[str, Policy] = {}
    for folder, validate in folders:
        policy = load_policy(folder, validate)
        if policy.id in policies:
            raise InputError(f"policy id {policy.id} already used by {policies[policy.id].folder}",
                             str(folder / "policy.yaml"))
        policies[policy.id] = policy
    return sorted(policies.values(), key=lambda p: p.id)


def load_policy(folder: Path, validate: bool = True) -> Policy:
    path = folder / "policy.yaml"
    data = _validated_metadata(path) if validate else _read_metadata(path)
    if data["id"] != folder.name and folder.name != data.get("name"):
        raise InputError(f"policy folder must be named after its id {data['id']}", str(path))
    check = _load_check(folder / data["check"]) if "check" in data else None
    return Policy(
        id=data["id"], name=data["name"], title=data["title"], category=data["category"],
        severity=data["severity"], description=data["description"].strip(),
        remediation=data["remediation"], references=tuple(data["references"]),
        compliance=data["compliance"], applies_to=data["applies_to"], folder=folder,
        fail_when=data.get("fail_when"), check=check, message=data.get("message", ""),
        aliases=tuple(data.get("aliases", ())), meta=data)


def _read_metadata(path: Path) -> dict:
    try:
        return _parse_yaml(path.read_bytes(), path)
    except OSError as exc:
        raise InputError(f"cannot read policy: {exc.strerror or exc}", str(path)) from None


def _parse_yaml(raw: bytes, path: Path) -> dict:
    try:
        data = yaml.load(raw.decode("utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", -1) + 1
        raise InputError(f"cannot read policy: {exc}", str(path), line) from None
    if not isinstance(data, dict):
        raise InputError("a policy must be a mapping", str(path), 1)
    return data


def _validated_metadata(path: Path) -> dict:
    """policy.yaml parsed and schema-checked. A file already validated (same content, same
    pdguard) comes from the cache, which spares parsing it and importing jsonschema."""
    from .. import cache
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read policy: {exc.strerror or exc}", str(path)) from None
    digest = cache.key("policy", [raw])
    data = cache.get("policy", digest)
    if data is not cache.MISS:
        return data
    data = _parse_yaml(raw, path)
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.path) or "(top level)"
        raise InputError(f"invalid policy at {where}: {first.message}", str(path))
    cache.put("policy", digest, data)
    return data


def _load_check(path: Path) -> Callable[..., Any]:
    if not path.is_file():
        raise InputError("policy check file not found", str(path))
    name = f"pdguard_policy_{path.parent.name}_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)   # policy code is the user's own, not the scanned tree's
    except Exception as exc:  # noqa: BLE001 - any failure of user code is a config error
        raise InputError(f"policy check does not load: {type(exc).__name__}: {exc}", str(path)) from None
    func = getattr(module, "check", None)
    if not callable(func):
        raise InputError("policy check must define check(resource, graph)", str(path))
    return func
