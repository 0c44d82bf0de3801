"""Classify data stores: personal data, not personal, or unknown — always with the reason.

Signals, strongest first: the user's data map (configuration), classification tags/labels,
schemas (column and attribute names), then names and descriptions. A store explicitly marked
public or non-personal (a website's assets) is not personal, whatever its name says.
"""
from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

from .model import Fact, Location, Resource
from .normalize.base import DATA_STORE_KINDS, get_path
from .values import Unknown, is_unknown

CLASSIFICATION_KEYS = frozenset({
    "dataclassification", "data_classification", "data-classification", "classification",
    "sensitivity", "datasensitivity", "data_sensitivity", "confidentiality", "datatype",
    "data_type", "data-type", "datacategory", "data_category", "compliance", "information_class",
})
FLAG_KEYS = frozenset({"pii", "contains_pii", "containspii", "contains-pii", "personal_data",
                       "personaldata", "personal-data", "phi", "gdpr", "pdpo", "has_pii"})
PERSONAL_VALUES = ("personal", "pii", "phi", "sensitive-personal", "spi", "gdpr", "pdpo",
                   "restricted", "confidential-pii", "health", "medical", "customer-data")
NOT_PERSONAL_VALUES = ("public", "non-personal", "nonpersonal", "not-personal", "none",
                       "no-pii", "nopii", "non-pii", "open", "anonymous", "anonymised", "anonymized")
TRUE_FLAGS = ("true", "yes", "1", "y")
FALSE_FLAGS = ("false", "no", "0", "n")

# Words that, in a name, column or description, mean people's data.
PERSONAL_WORDS = (
    "citizen", "resident", "patient", "applicant", "customer", "employee", "payroll", "hkid",
    "idcard", "passport", "address", "phone", "email", "health", "medical", "personal", "pii",
    "member", "student", "staff", "client", "beneficiary", "claimant", "voter", "taxpayer",
    "identity", "kyc", "salary", "pension", "birth", "dob", "ssn", "nric", "nationalid",
    "person", "people", "user", "subscriber", "guest", "visitor", "donor", "tenant", "hr",
    "biometric", "fingerprint", "diagnosis", "prescription", "insurance", "account_holder",
    "contact", "surname", "firstname", "lastname", "fullname", "gender", "ethnicity", "census",
)
# Multi-word forms matched on the joined name ("id_card", "id-card-scans", "date_of_birth").
PERSONAL_PHRASES = ("id_card", "idcard", "id_number", "date_of_birth", "national_id", "full_name",
                    "home_address", "phone_number", "mobile_number", "first_name", "last_name",
                    "social_security", "credit_card", "card_number", "bank_account")
NAME_ATTRIBUTES = ("bucket", "bucket_prefix", "name", "identifier", "cluster_identifier",
                   "db_name", "database_name", "table_name", "domain_name", "dataset_id",
                   "description", "friendly_name", "replication_group_id", "cluster_id")


@dataclass
class Vocabulary:
    words: tuple = PERSONAL_WORDS
    phrases: tuple = PERSONAL_PHRASES
    data_map: dict = field(default_factory=dict)     # address/name glob -> bool


def classify_all(resources: Iterable[Resource], vocabulary: Optional[Vocabulary] = None) -> None:
    vocabulary = vocabulary or Vocabulary()
    matcher = _WordMatcher(vocabulary)
    for r in resources:
        if r.kind in DATA_STORE_KINDS:
            r.facets["personal_data"] = classify(r, vocabulary, matcher)


def classify(r: Resource, vocabulary: Vocabulary, matcher: "_WordMatcher") -> Fact:
    for verdict in (_data_map(r, vocabulary), _tags(r), _schema(r, matcher), _names(r, matcher)):
        if verdict is not None:
            return verdict
    return Fact(Unknown("no classification signal"), "no tag, schema or name signal", "unknown", r.location)


def _data_map(r: Resource, vocabulary: Vocabulary) -> Optional[Fact]:
    names = [r.address] + [v for v in (_attr(r, a) for a in NAME_ATTRIBUTES) if isinstance(v, str)]
    for pattern, personal in vocabulary.data_map.items():
        if any(fnmatch.fnmatchcase(n, pattern) for n in names):
            return Fact(bool(personal), f"the configuration's data map lists {pattern!r} as "
                        f"{'personal' if personal else 'not personal'}", "explicit", None)
    return None


def _tags(r: Resource) -> Optional[Fact]:
    for attr in ("tags", "labels", "tags_all"):
        tags = r.attributes.get(attr)
        if not isinstance(tags, dict):
            continue
        where = Location(r.location.file, r.raw.line_of(attr))
        for key, value in tags.items():
            if is_unknown(value) or not isinstance(value, (str, bool)):
                continue
            k = key.lower().replace(" ", "")
            v = str(value).lower().strip().replace(" ", "-").replace("_", "-")
            if k in FLAG_KEYS:
                if v in TRUE_FLAGS:
                    return Fact(True, f"{attr} {key} = {value}", "explicit", where)
                if v in FALSE_FLAGS:
                    return Fact(False, f"{attr} {key} = {value}", "explicit", where)
            if k in CLASSIFICATION_KEYS:
                if any(v == p or v.startswith(p + "-") or v.endswith("-" + p) or p in v.split("-")
                       for p in PERSONAL_VALUES):
                    return Fact(True, f"{attr} {key} = {value}", "explicit", where)
                if v in NOT_PERSONAL_VALUES:
                    return Fact(False, f"{attr} {key} = {value}: marked as holding no personal data",
                                "explicit", where)
    return None


def _schema(r: Resource, matcher: "_WordMatcher") -> Optional[Fact]:
    columns: list[tuple[str, str]] = []
    for block_path, name_key in (("attribute", "name"), ("columns", "name"),
                                 ("storage_descriptor.columns", "name"), ("schema_fields", "name")):
        for col in _as_list(get_path(r.attributes, block_path)):
            if isinstance(col, dict) and isinstance(col.get(name_key), str):
                columns.append((col[name_key], block_path))
    schema = r.attributes.get("schema")
    if isinstance(schema, str):
        columns += [(m, "schema") for m in re.findall(r'"name"\s*:\s*"([^"]+)"', schema)]
    for column, path in columns:
        word = matcher.match(column)
        if word:
            where = Location(r.location.file, r.raw.line_of(path.split(".")[0]))
            return Fact(True, f"its schema has a column {column!r} ({word})", "derived", where)
    return None


def _names(r: Resource, matcher: "_WordMatcher") -> Optional[Fact]:
    candidates = [(r.address.rsplit(".", 1)[-1], None)]
    candidates += [(v, a) for a in NAME_ATTRIBUTES for v in [_attr(r, a)] if isinstance(v, str)]
    for text, attr in candidates:
        word = matcher.match(text)
        if word:
            where = Location(r.location.file, r.raw.line_of(attr) if attr else r.location.line)
            what = f"its {attr} {text!r}" if attr else f"its name {text!r}"
            return Fact(True, f"{what} mentions {word!r}", "derived", where)
    return None


def _attr(r: Resource, name: str) -> Any:
    value = r.attributes.get(name)
    return None if is_unknown(value) else value


def _as_list(value: Any) -> list:
    if isinstance(value, list):
        return value
    return [] if value is None or is_unknown(value) else [value]


class _WordMatcher:
    def __init__(self, vocabulary: Vocabulary):
        words = sorted(set(vocabulary.words), key=len, reverse=True)
        self._words = re.compile(r"^(?:%s)(?:s|es|ies)?$" % "|".join(map(re.escape, words)))
        self._phrases = tuple(vocabulary.phrases)

    def match(self, text: str) -> Optional[str]:
        spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", text)
        joined = re.sub(r"[^a-z0-9]+", "_", spaced.lower()).strip("_")
        for phrase in self._phrases:
            if phrase in joined:
                return phrase
        for token in joined.split("_"):
            if token and self._words.match(token):
                return token
        return None
