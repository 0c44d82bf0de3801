"""Suppressions: inline `# pdguard:ignore` comments and configuration entries.

Inline, in a Terraform file (`#` or `//` comment, on its own line or after an argument):

    # pdguard:ignore PDG101 public website bucket, no personal data (TICKET-42)
    # pdguard:ignore PDG301,PDG501 reason ...

It applies to a finding whose resource block (or a block folded into that resource, such as
an `aws_s3_bucket_acl`) contains the comment or starts on the next line, or whose deciding
argument (the finding's line) is the comment's line or the next one. Rules are named by id,
name or alias; `*` is refused. A reason is required.

In the configuration file (`suppressions:`): `{rule, resource (glob: * and ?), reason,
expires: YYYY-MM-DD, owner}`. From the day after `expires` the entry stops applying and a
note says so. `suppress: {forbid_rules, forbid_severities}` lists what no suppression may
silence; such a suppression is not applied and is reported.

Suppressed findings stay in the report (`suppressed: true`, with the suppression); problems
with suppressions become notes (`SuppressionNote`, level "warning" or "error") counted in the
summary: unused, expired, forbidden, invalid.
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Optional

from .config import ScanConfig

_INLINE = re.compile(r"(?:#|//)\s*pdguard:ignore\b(.*)$")
_RULE_TOKEN = re.compile(r"^[A-Za-z0-9_*,.-]+$")


@dataclass(frozen=True)
class SuppressionNote:
    """A problem with a suppression: ScanError-like (file, line, message) plus level and kind."""
    file: str
    line: int
    message: str
    level: str = "warning"          # "warning" | "error"
    kind: str = "unused"            # unused | expired | forbidden | invalid

    def to_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "message": self.message,
                "level": self.level, "kind": self.kind}


@dataclass
class Suppression:
    rules: tuple
    reason: str
    source: str                     # "inline" | "config"
    file: str                       # where it is written
    line: int = 0
    resource: str = ""              # glob (config entries)
    expires: Optional[_dt.date] = None
    owner: str = ""
    index: int = -1                 # position in the configuration's list
    address: str = ""               # CloudFormation Metadata: the resource it is written on
    used: bool = False
    _pattern: Optional[re.Pattern] = field(default=None, repr=False)

    def describe(self) -> str:
        if self.source == "inline":
            return f"inline suppression of {','.join(self.rules)}"
        return f"suppression of {self.rules[0]} on {self.resource!r} (suppressions[{self.index}])"

    def as_dict(self) -> dict:
        out = {"source": self.source, "reason": self.reason, "rule": ",".join(self.rules),
               "file": self.file}
        if self.line:
            out["line"] = self.line
        if self.resource:
            out["resource"] = self.resource
        if self.expires:
            out["expires"] = self.expires.isoformat()
        if self.owner:
            out["owner"] = self.owner
        return out

    def matches_resource(self, address: str) -> bool:
        if self._pattern is None:
            self._pattern = glob_regex(self.resource)
        return bool(self._pattern.fullmatch(address))


def glob_regex(pattern: str) -> re.Pattern:
    """`*` any run of characters, `?` one; everything else literal (addresses hold `[`)."""
    out = "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern)
    return re.compile(out, re.DOTALL)


# ---------------------------------------------------------------------------- reading

def parse_inline(text: str, rel: str) -> tuple[list, list]:
    """Inline suppressions of one file, and notes for malformed ones."""
    found, notes = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if "pdguard:ignore" not in line:
            continue
        match = _INLINE.search(line)
        if not match:
            continue
        rest = match.group(1).strip()
        token, _, reason = rest.partition(" ")
        reason = reason.strip().lstrip("-:").strip()
        if not token or not _RULE_TOKEN.match(token):
            notes.append(SuppressionNote(rel, number, "pdguard:ignore names no rule (write "
                                         "`# pdguard:ignore RULE reason`); not applied", "error", "invalid"))
            continue
        rules = tuple(r for r in token.split(",") if r)
        if "*" in token:
            notes.append(SuppressionNote(rel, number, "pdguard:ignore cannot silence every rule (`*`): "
                                         "name the rule; not applied", "error", "invalid"))
            continue
        if not reason:
            notes.append(SuppressionNote(rel, number, f"pdguard:ignore {token} has no reason (write why "
                                         "after the rule); not applied", "error", "invalid"))
            continue
        found.append(Suppression(rules, reason, "inline", rel, number))
    return found, notes


def from_config(config: ScanConfig) -> list:
    source = str(config.source) if config.source else "configuration"
    out = []
    for index, entry in enumerate(config.suppressions):
        expires = entry.get("expires")
        if isinstance(expires, str):
            expires = _dt.date.fromisoformat(expires)
        out.append(Suppression((str(entry["rule"]),), str(entry["reason"]).strip(), "config", source,
                               resource=str(entry["resource"]), expires=expires,
                               owner=str(entry.get("owner", "") or ""), index=index))
    return out


def from_metadata(resources: list) -> tuple[list, list]:
    """CloudFormation: `Metadata: {pdguard: {ignore: [{rule: PDG101, reason: ...}]}}` on a
    resource (the template loader keeps Metadata in attributes["__metadata__"])."""
    found, notes = [], []
    for resource in resources:
        for raw in _raws(resource):
            meta = raw.attributes.get("__metadata__") if isinstance(raw.attributes, dict) else None
            pdguard = meta.get("pdguard") if isinstance(meta, dict) else None
            entries = pdguard.get("ignore") if isinstance(pdguard, dict) else None
            if not isinstance(entries, list):
                continue
            where = raw.location
            for entry in entries:
                rule = entry.get("rule") if isinstance(entry, dict) else None
                reason = str(entry.get("reason") or "").strip() if isinstance(entry, dict) else ""
                if not isinstance(rule, str) or not rule or rule == "*":
                    notes.append(SuppressionNote(where.file, where.line, f"Metadata pdguard ignore entry on "
                                                 f"{resource.address} names no rule (`*` is not allowed); "
                                                 "not applied", "error", "invalid"))
                elif not reason:
                    notes.append(SuppressionNote(where.file, where.line, f"Metadata pdguard ignore of {rule} on "
                                                 f"{resource.address} has no reason; not applied",
                                                 "error", "invalid"))
                else:
                    found.append(Suppression((rule,), reason, "inline", where.file, where.line,
                                             address=resource.address))
    return found, notes


# ---------------------------------------------------------------------------- applying

def apply(findings: list, resources: list, policies: list, root, config: ScanConfig,
          today: Optional[_dt.date] = None) -> tuple[list, list]:
    """Mark suppressed findings; return (findings, notes about suppressions)."""
    today = today or _dt.date.today()
    root = Path(root)
    names = _rule_names(policies, findings)
    notes: list = []

    inline: list = []
    blocks: dict = {}           # address -> [(file, start, end)]
    if config.inline_suppressions:
        texts = _texts(resources, root)
        for rel, text in texts.items():
            found, bad = parse_inline(text, rel)
            inline += found
            notes += bad
        if inline:
            blocks = _resource_blocks(resources, texts)
        found, bad = from_metadata(resources)
        inline += found
        notes += bad
    configured = from_config(config)

    live_config = []
    for s in configured:
        if s.expires and s.expires < today:
            owner = f", owner {s.owner}" if s.owner else ""
            notes.append(SuppressionNote(s.file, 0, f"{s.describe()} expired on {s.expires.isoformat()}"
                                         f"{owner}: no longer applied", "warning", "expired"))
        else:
            live_config.append(s)

    out = []
    for f in findings:
        if f.suppressed:
            out.append(f)
            continue
        chosen = None
        for s in inline:
            if _rule_matches(s, f, names) and _inline_targets(s, f, blocks):
                chosen = chosen or s
                s.used = True
        for s in live_config:
            if _rule_matches(s, f, names) and s.matches_resource(f.resource):
                chosen = chosen or s
                s.used = True
        if chosen is None:
            out.append(f)
            continue
        why = _forbidden(f, config, names)
        if why:
            notes.append(SuppressionNote(chosen.file, chosen.line,
                                         f"{chosen.describe()} not applied to {f.rule_id} on {f.resource}: "
                                         f"{why}", "error", "forbidden"))
            out.append(f)
            continue
        out.append(replace(f, suppressed=True, suppression=chosen.as_dict()))

    for s in inline + live_config:
        if not s.used:
            notes.append(SuppressionNote(s.file, s.line, f"{s.describe()} matches no finding; remove it",
                                         "warning", "unused"))
    return out, notes


def _rule_names(policies: list, findings: list) -> dict:
    """rule id -> every name a suppression may use for it."""
    names = {f.rule_id: {f.rule_id} for f in findings}
    for p in policies:
        names.setdefault(p.id, {p.id}).update({p.name, *p.aliases})
    return names


def _rule_matches(s: Suppression, finding, names: dict) -> bool:
    known = names.get(finding.rule_id, {finding.rule_id})
    return any(r in known for r in s.rules)


def _forbidden(finding, config: ScanConfig, names: dict) -> str:
    known = names.get(finding.rule_id, {finding.rule_id})
    for rule in config.forbid_rules:
        if rule in known or (len(rule) < len(finding.rule_id) and finding.rule_id.startswith(rule)):
            return f"the configuration forbids suppressing {rule} (suppress.forbid_rules)"
    if finding.severity in config.forbid_severities:
        return (f"the configuration forbids suppressing {finding.severity} findings "
                "(suppress.forbid_severities)")
    return ""


def _inline_targets(s: Suppression, finding, blocks: dict) -> bool:
    if s.address:
        return finding.resource == s.address
    loc = finding.location
    if loc.file == s.file and loc.line in (s.line, s.line + 1):
        return True
    for file, start, end in blocks.get(finding.resource, ()):
        if file == s.file and (start == s.line + 1 or start <= s.line <= end):
            return True
    return False


# ---------------------------------------------------------------------------- files and blocks

def _raws(resource) -> list:
    return [resource.raw, *getattr(resource, "attached", [])]


def _texts(resources: list, root: Path) -> dict:
    """rel path -> text of every Terraform file a scanned resource comes from."""
    texts = {}
    for resource in resources:
        for raw in _raws(resource):
            rel = raw.location.file
            if rel in texts or not rel.endswith(".tf"):
                continue
            try:
                texts[rel] = (root / rel).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                texts[rel] = ""
    return texts


def _resource_blocks(resources: list, texts: dict) -> dict:
    lines = {rel: text.splitlines() for rel, text in texts.items()}
    out: dict = {}
    for resource in resources:
        spans = []
        for raw in _raws(resource):
            rel = raw.location.file
            if rel in lines and raw.location.line > 0:
                start = raw.location.line
                spans.append((rel, start, block_end(lines[rel], start)))
        out[resource.address] = spans
    return out


def block_end(lines: list, start: int) -> int:
    """Last line (1-based) of the block whose header is on line `start`: braces counted,
    skipping strings, comments and heredocs. The start line when no brace is found."""
    depth, opened = 0, False
    heredoc: Optional[str] = None
    in_comment = False
    for number in range(start, len(lines) + 1):
        line = lines[number - 1]
        if heredoc is not None:
            if line.strip() == heredoc:
                heredoc = None
            continue
        i, n = 0, len(line)
        while i < n:
            ch = line[i]
            if in_comment:
                if line.startswith("*/", i):
                    in_comment = False
                    i += 2
                    continue
                i += 1
                continue
            if ch == "#" or line.startswith("//", i):
                break
            if line.startswith("/*", i):
                in_comment = True
                i += 2
                continue
            if ch == '"':
                i += 1
                while i < n and line[i] != '"':
                    i += 2 if line[i] == "\\" else 1
                i += 1
                continue
            if line.startswith("<<", i):
                m = re.match(r"<<-?([A-Za-z_][A-Za-z0-9_-]*)\s*$", line[i:])
                if m:
                    heredoc = m.group(1)
                    break
            if ch in "{[(":
                depth += 1
                opened = True
            elif ch in "}])":
                depth -= 1
                if opened and depth == 0:
                    return number
            i += 1
    return start if not opened else len(lines)
