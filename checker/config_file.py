"""The configuration file: `.pdguard.yaml` or `[tool.pdguard]` in `pyproject.toml`.

Found in the scan root or its parents, up to the root of the git repository (the folder
holding `.git`), or named with `--config FILE`. Validated by `config_schema.json`; a bad file
is a configuration error (exit 2) naming the file and the path of the bad key. Relative
`var_files` and `policy_dirs` are relative to the configuration file. Flags on the command
line override the file (`--var-file` and `--var` come after the file's, so they win).
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Iterable, Optional

from .config import ScanConfig
from .errors import InputError

CONFIG_NAMES = (".pdguard.yaml", ".pdguard.yml")
PYPROJECT = "pyproject.toml"
_TOOL_SECTION = re.compile(r"^\s*\[\s*tool\.pdguard\s*[.\]]", re.MULTILINE)


class ConfigError(InputError):
    """The configuration file cannot be read or does not follow the schema."""


def find_config(paths: Iterable) -> Optional[Path]:
    """The configuration file that applies to a scan of `paths`, or None."""
    paths = [Path(p) for p in paths] or [Path.cwd()]
    start = paths[0].resolve()
    if not start.is_dir():
        start = start.parent
    for folder in (start, *start.parents):
        for name in CONFIG_NAMES:
            if (folder / name).is_file():
                return folder / name
        pyproject = folder / PYPROJECT
        if pyproject.is_file() and _has_tool_section(pyproject):
            return pyproject
        if (folder / ".git").exists():
            break
    return None


def _has_tool_section(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return _TOOL_SECTION.search(text) is not None


def read_config(path: Path) -> dict:
    """The validated settings of one configuration file (a dict of the schema's keys)."""
    path = Path(path)
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read configuration file: {exc}", shown) from None
    if path.name == PYPROJECT or path.suffix == ".toml":
        data = _toml_section(text, shown)
    else:
        data = _yaml(text, shown)
    if data is None:
        data = {}
    data = _dates_as_text(data)
    if data:
        _validate_once(data, shown)
    return data


def _validate_once(data: dict, shown: str) -> None:
    """Schema-check, remembering settings already found valid: the hook then starts without
    importing jsonschema. An empty configuration (a pyproject.toml without [tool.pdguard])
    needs no check at all."""
    from . import cache
    digest = cache.key("config", [json.dumps(data, sort_keys=True, default=str).encode()])
    if cache.get("config", digest) is cache.MISS:
        validate(data, shown)
        cache.put("config", digest, True)


def _dates_as_text(value):
    """YAML and TOML read `2026-12-31` as a date: the schema wants the YYYY-MM-DD text."""
    import datetime
    if isinstance(value, dict):
        return {k: _dates_as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates_as_text(v) for v in value]
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value.isoformat()
    return value


def _toml_section(text: str, shown: str) -> dict:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", shown) from None
    return doc.get("tool", {}).get("pdguard", {})


def _yaml(text: str, shown: str):
    import yaml
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        raise ConfigError(f"invalid YAML: {getattr(exc, 'problem', None) or exc}", shown, line) from None


def schema() -> dict:
    return json.loads((Path(__file__).parent / "config_schema.json").read_text(encoding="utf-8"))


def validate(data, shown: str) -> None:
    import jsonschema
    validator = jsonschema.Draft202012Validator(schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    if not errors:
        return
    error = errors[0]
    more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
    raise ConfigError(f"{key_path(error.absolute_path)}: {_explain(error)}{more}", shown)


def key_path(path) -> str:
    """`suppressions[0].reason`; `(top level)` for the document itself."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _explain(error) -> str:
    if error.validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        extra = sorted(set(error.instance) - set(allowed)) if isinstance(error.instance, dict) else []
        hint = f"; known keys: {', '.join(allowed)}" if allowed else ""
        return f"unknown key(s) {', '.join(map(repr, extra))}{hint}"
    if error.validator == "pattern" and error.schema.get("pattern", "").startswith("^[0-9]{4}"):
        return f"{error.instance!r} is not a date (YYYY-MM-DD)"
    if error.validator == "pattern" and error.schema.get("pattern") == "\\S":
        return "must not be empty"
    if error.validator == "not":
        return f"{error.instance!r} is not allowed here (name a rule)"
    if error.validator == "enum":
        return f"{error.instance!r} is not one of {', '.join(map(str, error.validator_value))}"
    return error.message


def apply_config(config: ScanConfig, data: dict, source: Path) -> ScanConfig:
    """Fill `config` from a validated configuration; values already set (flags) win."""
    base = source.resolve().parent

    def rel(p: str) -> str:
        return str(p) if os.path.isabs(p) else str(base / p)

    config.source = source
    config.select = config.select or list(data.get("select", []))
    config.ignore = list(data.get("ignore", [])) + [r for r in config.ignore if r not in data.get("ignore", [])]
    config.severity_overrides = {**data.get("severity", {}), **config.severity_overrides}
    config.exclude = list(data.get("exclude", [])) + list(config.exclude)
    config.var_files = [rel(p) for p in data.get("var_files", [])] + list(config.var_files)
    config.variables = {**{k: _var_text(v) for k, v in data.get("vars", {}).items()}, **config.variables}
    config.policy_dirs = [rel(p) for p in data.get("policy_dirs", [])] + list(config.policy_dirs)
    config.data_map = {**data.get("data_map", {}), **config.data_map}
    config.personal_words = list(data.get("personal_words", [])) + list(config.personal_words)
    config.suppressions = list(data.get("suppressions", [])) + list(config.suppressions)
    suppress = data.get("suppress", {})
    config.forbid_rules = list(suppress.get("forbid_rules", [])) + list(config.forbid_rules)
    config.forbid_severities = list(suppress.get("forbid_severities", [])) + list(config.forbid_severities)
    config.inline_suppressions = config.inline_suppressions and suppress.get("inline", True)
    return config


def _refuse_found_policy_code(data: dict, source: Path) -> None:
    """A configuration file found in the scanned tree is the tree's, not the user's: its
    policy folders may add YAML policies, but their Python checks (check.py) would run code
    from the scanned tree, so they are refused unless the file is named with --config."""
    base = source.resolve().parent
    for folder in data.get("policy_dirs", []):
        folder = Path(folder) if os.path.isabs(folder) else base / folder
        if (folder / "check.py").is_file() or any(folder.glob("*/check.py")):
            raise ConfigError(f"policy folder {str(folder)!r} holds Python checks (check.py); code from a "
                              "configuration file found in the scanned tree is never run: name the file "
                              "with --config (or the folder with --policy-dir) to trust it", str(source))


def _var_text(value) -> str:
    """Variables reach the loader as `--var` text: strings as they are, the rest as HCL."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return json.dumps(value)


def load_config(paths: Iterable, explicit: Optional[str] = None, config: Optional[ScanConfig] = None,
                fail_on: Optional[str] = None, fail_on_unknown: bool = False) -> ScanConfig:
    """The ScanConfig for a scan: flags (already in `config`) over the file (explicit or found).

    `fail_on` / `fail_on_unknown` are the flags' values (None / False when not given)."""
    config = config or ScanConfig()
    source = Path(explicit) if explicit else find_config(paths)
    data: dict = {}
    if source is not None:
        if explicit and not source.is_file():
            raise ConfigError("configuration file not found", str(source))
        data = read_config(source)
        if not explicit:
            _refuse_found_policy_code(data, source)
        apply_config(config, data, source)
    config.fail_on = (fail_on or data.get("fail_on") or config.fail_on).lower()
    config.fail_on_unknown = bool(fail_on_unknown or data.get("fail_on_unknown", False))
    return config
