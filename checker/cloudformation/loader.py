"""Load CloudFormation / SAM templates (YAML or JSON) found by content.

A file is a template when it is a mapping with AWSTemplateFormatVersion, or with Resources whose
entries are mappings with a Type such as AWS::..., Custom::... or Alexa::.... Anything else
(Kubernetes manifests, docker-compose files, package.json, ...) is not ours: `load` returns None
and nothing is reported. A file that looks like a template (AWSTemplateFormatVersion or a
top-level Resources key in its text) but is not valid YAML/JSON is an error with its line.

Parameter values come from --cfn-param KEY=VALUE and --cfn-params-file (AWS CLI form
[{"ParameterKey": .., "ParameterValue": ..}] or a {"Key": "Value"} mapping), else Defaults.
Resources whose Condition is false are not created (left out); an undecidable Condition keeps
the resource and adds a note.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from ..errors import InputError
from ..formats import FormatResult
from ..values import is_unknown

if TYPE_CHECKING:
    from .intrinsics import Template
    from .yaml_loader import LineDict

# Every scan imports this module to look at its YAML/JSON files; the YAML loader, intrinsics
# and translators are imported only once a file looks like a template.

SUFFIXES = (".yaml", ".yml", ".json", ".template")
_LOOKS_YAML = re.compile(r"^(AWSTemplateFormatVersion|Resources)\s*:", re.M)
_LOOKS_JSON = re.compile(r'"(AWSTemplateFormatVersion|Resources)"\s*:')
_TYPE = re.compile(r"^(AWS|Custom|Alexa)::[A-Za-z0-9]+")
SAM_GLOBALS = {"AWS::Serverless::Function": "Function", "AWS::Serverless::Api": "Api",
               "AWS::Serverless::HttpApi": "HttpApi", "AWS::Serverless::SimpleTable": "SimpleTable",
               "AWS::Serverless::StateMachine": "StateMachine", "AWS::Serverless::LayerVersion": "LayerVersion"}


def load(path: Path, rel: str, text: str, config) -> Optional[FormatResult]:
    if not path.name.endswith(SUFFIXES):
        return None
    looks_like = bool(_LOOKS_YAML.search(text) or _LOOKS_JSON.search(text))
    if not looks_like:
        return None            # cheap: a template names Resources or its format version
    try:
        data = _parse(text, rel)
    except InputError as exc:
        return FormatResult(errors=[exc])
    if not is_template(data):
        return None
    overrides, errors = parameter_overrides(config)
    result = load_template(data, rel, overrides)
    result.errors[:0] = errors
    return result


def _parse(text: str, rel: str) -> Any:
    from .yaml_loader import load_json, load_yaml
    if text.lstrip().startswith(("{", "[")):
        try:
            return load_json(text, rel)
        except InputError as json_error:
            try:
                return load_yaml(text, rel)      # JSON-like YAML (flow style)
            except InputError:
                raise json_error from None
    return load_yaml(text, rel)


def is_template(data: Any) -> bool:
    if not isinstance(data, dict):
        return False
    if "AWSTemplateFormatVersion" in data:
        return True
    resources = data.get("Resources")
    if not isinstance(resources, dict) or not resources:
        return False
    typed = [r for k, r in resources.items() if not str(k).startswith("Fn::ForEach")]
    return bool(typed) and all(isinstance(r, dict) and isinstance(r.get("Type"), str)
                               and _TYPE.match(r["Type"]) for r in typed)


# ------------------------------------------------------------------ parameters given by the user
def parameter_overrides(config) -> tuple[dict, list]:
    values: dict = {}
    errors: list = []
    for name in getattr(config, "cfn_param_files", None) or []:
        loaded, error = _read_parameter_file(str(name))
        values.update(loaded)
        if error:
            errors.append(error)
    values.update(getattr(config, "cfn_params", None) or {})
    return values, errors


@lru_cache(maxsize=32)
def _read_parameter_file(name: str) -> tuple[dict, Optional[InputError]]:
    try:
        data = json.loads(Path(name).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return {}, InputError(f"cannot read CloudFormation parameters: {exc}", name)
    if isinstance(data, dict) and isinstance(data.get("Parameters"), (list, dict)):
        data = data["Parameters"]     # the `aws cloudformation deploy --parameter-overrides` file form
    if isinstance(data, list):
        out = {}
        for entry in data:
            if not isinstance(entry, dict) or "ParameterKey" not in entry:
                return {}, InputError('expected [{"ParameterKey": .., "ParameterValue": ..}]', name)
            if "ParameterValue" in entry:
                out[str(entry["ParameterKey"])] = entry["ParameterValue"]
        return out, None
    if isinstance(data, dict):
        return {str(k): v for k, v in data.items()}, None
    return {}, InputError('expected [{"ParameterKey": .., "ParameterValue": ..}] or {"Key": "Value"}', name)


# ------------------------------------------------------------------ the template
class TemplateView:
    """What a translator may look up beyond its own resource."""

    def __init__(self, template: Template, data: dict):
        self.template = template
        self.globals = data.get("Globals") if isinstance(data.get("Globals"), dict) else {}
        self._props: dict = {}

    def raw_props(self, lid: str) -> Any:
        resource = self.template.resources.get(lid)
        if not isinstance(resource, dict):
            return None
        from .yaml_loader import LineDict
        props = resource.get("Properties", LineDict())
        key = SAM_GLOBALS.get(resource.get("Type"))
        if key and isinstance(self.globals.get(key), dict) and isinstance(props, dict):
            props = merge_globals(self.globals[key], props)
        return props

    def evaluated_props(self, lid: str) -> Any:
        if lid not in self._props:
            props = self.raw_props(lid)
            self._props[lid] = None if props is None else self.template.evaluate(props)
        return self._props[lid]

    def globals_of(self, key: str) -> Any:
        value = self.globals.get(key)
        return self.template.evaluate(value) if value is not None else {}


def merge_globals(glob: dict, props: dict) -> LineDict:
    """SAM Globals under a resource's own properties: maps merge, anything else the resource wins."""
    from .yaml_loader import LineDict, line_of
    out = LineDict(line=getattr(props, "line", 0))
    for source in (glob, props):
        for key, value in source.items():
            if isinstance(value, dict) and isinstance(out.get(key), dict) and not _is_function(value):
                value = merge_globals(out[key], value)
            out[key] = value
            out.lines[key] = line_of(source, key, out.line)
    return out


def _is_function(value: dict) -> bool:
    return len(value) == 1 and next(iter(value)).startswith(("Fn::", "Ref"))


def load_template(data: dict, rel: str, overrides: dict) -> FormatResult:
    from . import sam  # noqa: F401  (registers the SAM translators)
    from .intrinsics import Template, static_refs
    from .translate import Item, translate
    from .yaml_loader import LineDict, line_of
    result = FormatResult()
    template = Template(data, overrides)
    view = TemplateView(template, data)
    resources = data.get("Resources")
    if not isinstance(resources, dict):
        resources = {}
    transform = data.get("Transform")
    for name in (transform if isinstance(transform, list) else [transform] if transform else []):
        if isinstance(name, str) and not name.startswith(("AWS::Serverless", "AWS::LanguageExtensions")):
            result.notes.append(InputError(f"transform {name} (a macro) is not applied: resources it "
                                           "would create are not scanned", rel, line_of(data, "Transform")))
    for lid, resource in resources.items():
        line = line_of(resources, lid, getattr(resources, "line", 0))
        if str(lid).startswith("Fn::ForEach"):
            result.notes.append(InputError(f"{lid} (language extensions) is not expanded", rel, line))
            continue
        if not isinstance(resource, dict) or not isinstance(resource.get("Type"), str):
            result.errors.append(InputError(f"resource {lid} has no Type", rel, line))
            continue
        condition = resource.get("Condition")
        keep_note = None
        if condition is not None:
            value = template.condition(condition)
            if value is False:
                continue
            if is_unknown(value):
                keep_note = (f"{lid} is created only when condition {condition} holds, which is not known "
                             f"before deployment ({value.reason}); scanned as if created")
        props = view.evaluated_props(lid)
        if not isinstance(props, dict):
            if props is not None and is_unknown(props):
                result.notes.append(InputError(f"{lid}: Properties not known before deployment "
                                               f"({props.reason})", rel, line))
            props = LineDict(line=line)
        metadata = resource.get("Metadata")
        if metadata is not None:
            metadata = _plain(template.evaluate(metadata))
        written = static_refs(view.raw_props(lid), template.resources)
        item = Item(lid=str(lid), cfn_type=resource["Type"], props=props, line=line, rel=rel,
                    metadata=metadata, view=view, static_refs=frozenset(written))
        try:
            raws = translate(item)
        except (TypeError, ValueError, AttributeError, KeyError) as exc:   # a malformed property shape
            result.errors.append(InputError(f"{lid}: cannot read {resource['Type']} properties ({exc})",
                                            rel, line))
            continue
        if keep_note:
            result.notes.append(InputError(keep_note, rel, line_of(resource, "Condition", line)))
            for raw in raws:
                raw.attributes["__condition__"] = keep_note
        result.resources += raws
    seen = set()
    for message, line in template.notes:
        if (message, line) not in seen:
            seen.add((message, line))
            result.notes.append(InputError(message, rel, line))
    return result


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
