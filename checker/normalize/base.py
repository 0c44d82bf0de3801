"""The normalizer registry and the helpers every provider module uses.

A provider module registers, per native type, a canonical kind and a function computing the
resource's facets; and, per attachment type, which parent it folds into. Policies then read
facets only, so a new provider is a new module here, not new policies.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Optional

from ..model import Fact, Location, RawResource, Resource, unknown_fact
from ..values import Unknown, is_unknown, refs_of

# Canonical kinds. Data stores (whose content may be personal data):
#   object_store, sql_database, nosql_database, search_cluster, cache, data_warehouse,
#   block_storage, file_storage, message_queue, snapshot
# Everything else that matters to exposure:
#   security_group (also NSGs and firewalls: facet ingress.rules of network.IngressRule),
#   api_endpoint, web_app (App Service, Function App, Cloud Run, Cloud Functions),
#   load_balancer, load_balancer_listener, cdn, compute_instance, container_cluster,
#   container_task, network_acl (facet ingress.rules too), api (APIs, stages, domains),
#   network, key, function, integration, data_pipeline (moves data between stores: Data
#   Factory), other
#
# Facets every data store should set where the service has the notion:
#   public (bool), authentication (bool), encryption.at_rest (bool), encryption.key_owner
#   ("customer" | "provider"), encryption.in_transit (bool), access_logging (bool),
#   retention (bool), region (str), port (int)
# personal_data is set by classify.py, never by a normalizer.
DATA_STORE_KINDS = frozenset({
    "object_store", "sql_database", "nosql_database", "search_cluster", "cache",
    "data_warehouse", "block_storage", "file_storage", "message_queue", "snapshot",
})


@dataclass(frozen=True)
class TypeSpec:
    kind: str
    provider: str
    facets: Optional[Callable[["Facts"], None]] = None


@dataclass(frozen=True)
class AttachmentSpec:
    parent_types: tuple          # native types it may attach to
    link: tuple                  # attribute names holding the parent's id/name/arn
    parent_keys: tuple = ("id", "bucket", "name", "arn")   # parent attributes matched by value


TYPES: dict[str, TypeSpec] = {}
ATTACHMENTS: dict[str, AttachmentSpec] = {}
# Generic resources whose real type is in an argument (azapi_resource's `type`): a translator
# turns one into the equivalent typed RawResource, or returns None to leave it alone.
TRANSLATORS: dict[str, Callable[[RawResource], Optional[RawResource]]] = {}


def translator(native_type: str):
    def wrap(func):
        TRANSLATORS[native_type] = func
        return func
    return wrap


def register(native_type: str, kind: str, provider: str = ""):
    """Decorator: `facets(f: Facts)` computes the facets of resources of `native_type`."""
    provider = provider or native_type.split("_", 1)[0].replace("azurerm", "azure").replace("google", "gcp")

    def wrap(func):
        TYPES[native_type] = TypeSpec(kind, provider, func)
        return func
    return wrap


def register_kind(kind: str, *native_types: str) -> None:
    for t in native_types:
        provider = t.split("_", 1)[0].replace("azurerm", "azure").replace("google", "gcp")
        TYPES.setdefault(t, TypeSpec(kind, provider))


def attach(native_type: str, parents: Iterable[str], link: Iterable[str],
           parent_keys: Iterable[str] = ("id", "bucket", "name", "arn")) -> None:
    ATTACHMENTS[native_type] = AttachmentSpec(tuple(parents), tuple(link), tuple(parent_keys))


class Facts:
    """What a facet function works with: the resource, its attachments, helpers to read
    attributes with their lines, and the facet dict it fills."""

    def __init__(self, resource: Resource, index):
        self.resource = resource
        self.raw = resource.raw
        self.facets = resource.facets
        self._index = index   # normalize.ReferenceIndex: referencing(address), of_type(type)

    # -- reading
    def get(self, path: str, default: Any = None, raw: Optional[RawResource] = None) -> Any:
        return get_path((raw or self.raw).attributes, path, default)

    def has(self, path: str, raw: Optional[RawResource] = None) -> bool:
        return get_path((raw or self.raw).attributes, path, _ABSENT) is not _ABSENT

    def where(self, path: str = "", raw: Optional[RawResource] = None) -> Location:
        raw = raw or self.raw
        return Location(raw.location.file, raw.line_of(path) if path else raw.location.line)

    def attached(self, *types: str) -> list[RawResource]:
        return [a for a in self.resource.attached if a.type in types]

    def blocks(self, path: str, raw: Optional[RawResource] = None) -> list:
        value = self.get(path, [], raw)
        if is_unknown(value):
            return [value]
        return value if isinstance(value, list) else [value]

    def referencing(self, *types: str) -> list[RawResource]:
        """Resources of `types` whose configuration references this resource."""
        return [r for r in self._index.referencing(self.raw.address) if r.type in types]

    def all_of_type(self, *types: str) -> list[RawResource]:
        """Every scanned resource of these types (account-wide settings)."""
        return [r for t in types for r in self._index.of_type(t)]

    # -- writing
    def set(self, name: str, value: Any, reason: str, source: str = "explicit",
            where: Optional[Location] = None) -> None:
        if is_unknown(value):
            self.facets[name] = unknown_fact(reason, where)
        else:
            self.facets[name] = Fact(value, reason, source, where)

    def set_region(self, attribute: str = "") -> None:
        """Region from the resource's own argument (GCP/Azure `location`), else its provider."""
        value = self.get(attribute) if attribute else None
        if isinstance(value, str):
            self.set("region", value, f"{attribute} = {value}", where=self.where(attribute))
        elif isinstance(self.raw.region, str):
            self.set("region", self.raw.region, f"provider region {self.raw.region}", "derived")
        else:
            self.set("region", Unknown("region not set in the files"), "region not known from the files")

    def set_fact(self, name: str, fact: Fact) -> None:
        self.facets[name] = fact

    def flag(self, name: str, path: str, *, true_when: Callable[[Any], bool], default: Any,
             default_reason: str, true_reason: str, false_reason: str,
             raw: Optional[RawResource] = None) -> None:
        """A boolean facet read from one attribute: absent -> provider default (stated)."""
        value = self.get(path, _ABSENT, raw)
        if value is _ABSENT or value is None:
            self.set(name, default, default_reason, "default", self.where("", raw))
        elif is_unknown(value):
            self.set(name, value, f"{path} is not known before apply ({value.reason})",
                     where=self.where(path, raw))
        else:
            truth = true_when(value)
            self.set(name, truth, (true_reason if truth else false_reason).format(value=show(value)),
                     where=self.where(path, raw))


_ABSENT = object()


def show(value: Any) -> str:
    """A value as Terraform would print it in a message: true, "text", 5."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def get_path(obj: Any, path: str, default: Any = None) -> Any:
    """Read "a.0.b" from evaluated attributes. Blocks are lists: "a.b" reads the first block.
    An Unknown on the way is returned as is (the caller decides what unknown means)."""
    if not path:
        return obj
    current = obj
    for part in path.split("."):
        if is_unknown(current):
            return current
        if isinstance(current, list):
            if part.isdigit():
                index = int(part)
                if index >= len(current):
                    return default
                current = current[index]
                continue
            if not current:
                return default
            current = current[0]
            if is_unknown(current):
                return current
        if isinstance(current, dict):
            if part not in current:
                return default
            current = current[part]
        else:
            return default
    return current


def as_bool(value: Any) -> Any:
    """Terraform's bool conversion ("true" -> True); Unknown stays Unknown; else None."""
    if is_unknown(value) or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


def refers_to(value: Any, raw_refs: frozenset, address: str) -> bool:
    return address in refs_of(value) or address in raw_refs
