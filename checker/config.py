"""Scan settings: what the CLI flags and the configuration file decide."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class ScanConfig:
    var_files: list = field(default_factory=list)        # --var-file, in order
    variables: dict = field(default_factory=dict)        # --var NAME=VALUE
    cfn_params: dict = field(default_factory=dict)       # --cfn-param KEY=VALUE (CloudFormation)
    cfn_param_files: list = field(default_factory=list)  # --cfn-params-file, in order (later wins)
    policy_dirs: list = field(default_factory=list)      # extra policy folders
    select: list = field(default_factory=list)           # rule ids / names / prefixes; empty = all
    ignore: list = field(default_factory=list)
    severity_overrides: dict = field(default_factory=dict)   # rule id -> severity
    exclude: list = field(default_factory=list)          # path globs relative to the scan root
    data_map: dict = field(default_factory=dict)         # address/name glob -> personal (bool)
    personal_words: list = field(default_factory=list)   # extra vocabulary
    fail_on: str = "high"
    fail_on_unknown: bool = False
    suppressions: list = field(default_factory=list)     # config entries: {rule, resource, reason, expires, owner}
    forbid_rules: list = field(default_factory=list)     # rules no suppression may silence
    forbid_severities: list = field(default_factory=list)
    inline_suppressions: bool = True                     # honour `# pdguard:ignore` comments
    source: Path | None = None                           # the configuration file read, if any
