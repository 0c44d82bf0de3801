"""Load policy folders: `policy.yaml` validated against schema.json, plus an optional
Python check. A policy that does not validate is a configuration error, never skipped.

A plain scan reads the catalog's metadata without parsing YAML (importing yaml costs more than
the rest of loading): from the catalog's index (`catalog.json`, written by `pdguard policies
docs`) for each policy.yaml whose SHA-256 it records, else from the cache (cache.py, keyed by
the files' contents), else by parsing. An edited policy is therefore never read stale.
Users' policies are validated with jsonschema, and cached per file once valid.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Optional

from ..errors import InputError

SCHEMA_PATH = Path(__file__).with_name("schema.json")
CATALOG_INDEX = "catalog.json"   # in the catalog folder, beside the policy folders


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
    import json

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
    catalog = _catalog_metadata(builtin, [folder for folder, validate in folders if not validate])
    policies: dict[str, Policy] = {}
    for folder, validate in folders:
        policy = load_policy(folder, validate, catalog.get(folder))
        if policy.id in policies:
            raise InputError(f"policy id {policy.id} already used by {policies[policy.id].folder}",
                             str(folder / "policy.yaml"))
        policies[policy.id] = policy
    return sorted(policies.values(), key=lambda p: p.id)


def load_policy(folder: Path, validate: bool = True, data: Optional[dict] = None) -> Policy:
    """The policy in `folder`; `data`, when given, is its policy.yaml already read."""
    path = folder / "policy.yaml"
    if data is None:
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
    return _parse_yaml(_read_bytes(path), path)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read policy: {exc.strerror or exc}", str(path)) from None


def _catalog_metadata(builtin: Path, folders: list[Path]) -> dict[Path, dict]:
    """folder -> its policy.yaml parsed, for the catalog's (unvalidated) folders: from the index
    where it records the file's SHA-256, else from one cache entry keyed by the remaining files'
    paths and contents, else parsed (reporting any error as before)."""
    import hashlib

    from .. import cache
    index = _read_index(builtin) if folders else {}
    found: dict[Path, dict] = {}
    rest: list[tuple[Path, bytes]] = []
    for folder in folders:
        raw = _read_bytes(folder / "policy.yaml")
        entry = index.get(folder.name) if folder.parent == builtin else None
        if (isinstance(entry, dict) and isinstance(entry.get("metadata"), dict)
                and entry.get("sha256") == hashlib.sha256(raw).hexdigest()):
            found[folder] = entry["metadata"]
        else:
            rest.append((folder, raw))
    if not rest or cache.cache_dir() is None:
        return found
    parts: list[bytes] = []
    for folder, raw in rest:
        parts += [str(folder).encode("utf-8", "surrogatepass"), raw]
    digest = cache.key("catalog", parts)
    cached = cache.get("catalog", digest)
    if not (isinstance(cached, list) and len(cached) == len(rest)):
        cached = [_parse_yaml(raw, folder / "policy.yaml") for folder, raw in rest]
        cache.put("catalog", digest, cached)
    found.update((folder, data) for (folder, _), data in zip(rest, cached))
    return found


def _read_index(builtin: Path) -> dict:
    """policy folder name -> {"sha256", "metadata"} from the catalog's index; {} when absent."""
    import json
    try:
        index = json.loads((builtin / CATALOG_INDEX).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    policies = index.get("policies") if isinstance(index, dict) else None
    return policies if isinstance(policies, dict) else {}


def catalog_index(builtin: Optional[Path] = None) -> str:
    """The text of the catalog's index: each policy.yaml's SHA-256 and parsed content. A policy
    whose content JSON cannot represent exactly (a YAML date, say) is left out: it is parsed."""
    import hashlib
    import json
    builtin = builtin or builtin_policy_dir()
    policies = {}
    for path in sorted(builtin.glob("*/policy.yaml")):
        raw = _read_bytes(path)
        data = _parse_yaml(raw, path)
        if _same(json.loads(json.dumps(data)), data):
            policies[path.parent.name] = {"sha256": hashlib.sha256(raw).hexdigest(), "metadata": data}
    index = {"generated": "by `pdguard policies docs` from every */policy.yaml; an entry whose sha256 "
                          "differs from its file is ignored and the file parsed",
             "policies": policies}
    return json.dumps(index, indent=1, ensure_ascii=False) + "\n"   # key order kept: docs follow it


def _same(a: Any, b: Any) -> bool:
    """Equal, with the same types and the same key order (documentation follows the order)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


def write_catalog_index(builtin: Optional[Path] = None) -> Path:
    builtin = builtin or builtin_policy_dir()
    target = builtin / CATALOG_INDEX
    target.write_text(catalog_index(builtin), encoding="utf-8")
    return target


def _parse_yaml(raw: bytes, path: Path) -> dict:
    import yaml
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
    raw = _read_bytes(path)
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
    import importlib.util
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
