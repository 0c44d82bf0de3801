"""Amazon EBS (volumes, snapshots, instance and launch-template block devices), EFS, ECR,
WorkSpaces and CodeBuild artifacts: block and file storage and the compute that writes it.

Provider defaults stated here (AWS provider v5):
- aws_ebs_volume `encrypted` unset: unencrypted, unless the account turns on EBS encryption by
  default (aws_ebs_encryption_by_default, whose `enabled` defaults to true) or the volume is
  created from an encrypted snapshot (which the files cannot show).
- aws_ebs_snapshot has no encryption argument: a snapshot is encrypted exactly when its volume
  is. EBS snapshots are private unless shared; Terraform shares them only with named accounts
  (aws_snapshot_create_volume_permission), never with the public.
- aws_instance / aws_launch_configuration / aws_launch_template block devices: an
  `ebs_block_device` (or launch-template mapping) without `encrypted` creates an unencrypted
  volume unless encryption by default is on; the root volume without `encrypted` follows the
  AMI's snapshot, which the files cannot show, so it decides nothing on its own.
- aws_efs_file_system `encrypted` unset: unencrypted. NFS clients may mount without TLS unless
  the file system policy denies aws:SecureTransport = false.
- aws_ecr_repository: images are encrypted at rest (AES256 by default); private unless a
  repository policy grants "*".
- aws_workspaces_workspace `root_volume_encryption_enabled` / `user_volume_encryption_enabled`
  unset: false (unencrypted volumes).
- aws_codebuild_project artifacts are encrypted with the AWS-managed S3 key unless
  `encryption_disabled = true`.
"""
from __future__ import annotations

from typing import Any, Optional

from ..model import RawResource
from ..values import is_unknown, refs_of
from . import aws_compute  # noqa: F401  (registers aws_instance first; chained below)
from . import aws_iam
from .base import Facts, TYPES, as_bool, attach, register


# ------------------------------------------------------------------ shared helpers
def referenced(f: Facts, attr: str, *types: str, raw: Optional[RawResource] = None) -> list[RawResource]:
    """Resources of `types` the value of `attr` was derived from (a reference to them), else
    matched by name/id when the value is a literal."""
    raw = raw or f.raw
    value = f.get(attr, None, raw)
    if value is None:
        return []
    refs = refs_of(value)
    candidates = f.all_of_type(*types)
    found = [c for c in candidates if c.address in refs or _base(c.address) in refs]
    if found or refs:
        return found
    if isinstance(value, str):
        name = value.rsplit(":", 1)[-1].rsplit("/", 1)[-1]
        for c in candidates:
            for key in ("id", "name", "cluster_identifier", "identifier", "arn"):
                if c.attributes.get(key) in (value, name):
                    return [c]
    return []


def _base(address: str) -> str:
    from . import base_address
    return base_address(address)


def encryption_by_default(f: Facts):
    """(value, reason, where) of account-level EBS encryption by default, or None if absent."""
    settings = f.all_of_type("aws_ebs_encryption_by_default")
    unknown = None
    for raw in settings:
        enabled = as_bool(f.get("enabled", True, raw))
        if enabled is True:
            return True, f"EBS encryption by default is on ({raw.address})", f.where("enabled", raw)
        if is_unknown(enabled):
            unknown = (enabled, f"whether {raw.address} enables EBS encryption by default is not known",
                       f.where("enabled", raw))
    return unknown


def _ebs_flag(f: Facts, value: Any, path: str, what: str, raw: Optional[RawResource] = None):
    """(value, reason, where) for one EBS `encrypted` setting (absent -> default)."""
    raw = raw or f.raw
    value = as_bool(value) if not is_unknown(value) else value
    if is_unknown(value):
        return value, f"{what}: encrypted not known before apply", f.where(path, raw)
    if value is True:
        return True, f"{what}: encrypted = true", f.where(path, raw)
    default = encryption_by_default(f)
    if value is False:
        if default and default[0] is True:
            return True, f"{what}: encrypted = false, but {default[1]}", default[2]
        return False, f"{what}: encrypted = false", f.where(path, raw)
    if default is not None:
        return default
    return False, f"{what}: encrypted not set (default false) and no aws_ebs_encryption_by_default", \
        f.where(path.rsplit(".", 1)[0] if "." in path else "", raw)


def volume_encryption(f: Facts, raw: RawResource):
    return _ebs_flag(f, f.get("encrypted", None, raw), "encrypted", raw.address, raw)


def _set(f: Facts, name: str, verdict) -> None:
    value, reason, where = verdict
    f.set(name, value, reason, "explicit" if where is not None else "default", where)


def combine(verdicts: list):
    """Encrypted only if every part is: the first False wins, then the first Unknown."""
    for v in verdicts:
        if v[0] is False:
            return v
    for v in verdicts:
        if is_unknown(v[0]):
            return v
    return verdicts[0] if verdicts else None


# ------------------------------------------------------------------ EBS
@register("aws_ebs_volume", "block_storage")
def ebs_volume(f: Facts) -> None:
    value = f.get("encrypted")
    if value is None:
        default = encryption_by_default(f)
        if default is not None:
            f.set("encryption.at_rest", default[0], default[1] + ": the volume is encrypted",
                  "default", default[2])
        elif f.get("snapshot_id") is not None:
            from ..values import Unknown
            f.set("encryption.at_rest", Unknown("a volume restored from a snapshot inherits its encryption"),
                  "encrypted not set: the volume inherits the encryption of snapshot_id", where=f.where("snapshot_id"))
        else:
            f.set("encryption.at_rest", False, "encrypted not set: EBS volumes are unencrypted by default "
                  "(no aws_ebs_encryption_by_default in scope)", "default", f.where())
    else:
        _set(f, "encryption.at_rest", volume_encryption(f, f.raw))
    _key_owner(f, "kms_key_id", "aws/ebs")


attach("aws_snapshot_create_volume_permission", ("aws_ebs_snapshot", "aws_ebs_snapshot_copy"), ("snapshot_id",))


@register("aws_ebs_snapshot", "snapshot")
def ebs_snapshot(f: Facts) -> None:
    volumes = referenced(f, "volume_id", "aws_ebs_volume")
    if volumes:
        value, reason, where = volume_encryption_of(f, volumes[0])
        f.set("encryption.at_rest", value, f"snapshot of {volumes[0].address}, which is "
              f"{'encrypted' if value is True else 'not encrypted' if value is False else 'of unknown encryption'}"
              f" ({reason})", "derived", f.where("volume_id"))
    else:
        default = encryption_by_default(f)
        if default is not None:
            f.set("encryption.at_rest", default[0], default[1], "default", default[2])
        else:
            from ..values import Unknown
            f.set("encryption.at_rest", Unknown("the snapshot's volume is not in the scanned files"),
                  "a snapshot is encrypted when its volume is; the volume is not in scope",
                  where=f.where("volume_id"))
    _snapshot_sharing(f)


@register("aws_ebs_snapshot_copy", "snapshot")
def ebs_snapshot_copy(f: Facts) -> None:
    encrypted = as_bool(f.get("encrypted"))
    if encrypted is True or is_unknown(encrypted):
        f.set("encryption.at_rest", encrypted, "encrypted = true", where=f.where("encrypted"))
    else:
        from ..values import Unknown
        f.set("encryption.at_rest", Unknown("a copy keeps the source snapshot's encryption"),
              "encrypted not set: the copy is encrypted when the source snapshot is", where=f.where())
    _snapshot_sharing(f)


def volume_encryption_of(f: Facts, volume: RawResource):
    if f.get("encrypted", None, volume) is None:
        default = encryption_by_default(f)
        if default is not None:
            return default
        return False, "encrypted not set (default false)", f.where("", volume)
    return volume_encryption(f, volume)


def _snapshot_sharing(f: Facts) -> None:
    shares = f.attached("aws_snapshot_create_volume_permission")
    accounts = [str(f.get("account_id", "?", s)) for s in shares if not is_unknown(f.get("account_id", None, s))]
    reason = ("EBS snapshots are private; shared only with account(s) " + ", ".join(accounts)
              if accounts else "EBS snapshots are private unless shared; not shared with the public")
    f.set("public", False, reason, "default", f.where())


# ------------------------------------------------------------------ instances and templates
def _block_devices(f: Facts, blocks: list, what: str) -> list:
    """Verdicts of EBS block devices: [(path, block dict, is_root)]."""
    verdicts = []
    for path, block, root in blocks:
        if is_unknown(block):
            verdicts.append((block, f"{what}: {path} not known before apply", f.where(path)))
            continue
        if not isinstance(block, dict):
            continue
        value = block.get("encrypted")
        if value is None and root:
            continue   # follows the AMI's snapshot: the files cannot tell
        if value is None and block.get("snapshot_id") is not None:
            continue   # follows the snapshot's encryption
        verdicts.append(_ebs_flag(f, value, f"{path}.encrypted", f"{what} {path}"))
    return verdicts


def _instance_blocks(f: Facts) -> list:
    blocks = [("root_block_device", b, True) for b in f.blocks("root_block_device")]
    blocks += [(f"ebs_block_device.{i}", b, False) for i, b in enumerate(f.blocks("ebs_block_device"))]
    return blocks


def _set_devices(f: Facts, verdicts: list) -> None:
    verdict = combine(verdicts)
    if verdict is not None:
        _set(f, "encryption.at_rest", verdict)


_EC2_INSTANCE = TYPES.get("aws_instance")


@register("aws_instance", "compute_instance")
def ec2_instance(f: Facts) -> None:
    # aws_compute.py registers the instance's network facets; chain to it, then add storage.
    if _EC2_INSTANCE is not None and _EC2_INSTANCE.facets is not None:
        _EC2_INSTANCE.facets(f)
    _set_devices(f, _block_devices(f, _instance_blocks(f), "instance"))


@register("aws_launch_configuration", "compute_instance")
def launch_configuration(f: Facts) -> None:
    _set_devices(f, _block_devices(f, _instance_blocks(f), "launch configuration"))


@register("aws_launch_template", "compute_instance")
def launch_template(f: Facts) -> None:
    blocks = []
    for i, mapping in enumerate(f.blocks("block_device_mappings")):
        if is_unknown(mapping):
            blocks.append((f"block_device_mappings.{i}", mapping, False))
            continue
        if not isinstance(mapping, dict) or mapping.get("no_device") or mapping.get("virtual_name"):
            continue
        ebs = mapping.get("ebs")
        if isinstance(ebs, list):
            ebs = ebs[0] if ebs else None
        if ebs is None:
            continue
        blocks.append((f"block_device_mappings.{i}.ebs", ebs, False))
    _set_devices(f, _block_devices(f, blocks, "launch template"))



# ------------------------------------------------------------------ EFS
attach("aws_efs_file_system_policy", ("aws_efs_file_system",), ("file_system_id",))


@register("aws_efs_file_system", "file_storage")
def efs_file_system(f: Facts) -> None:
    f.flag("encryption.at_rest", "encrypted", true_when=lambda v: as_bool(v) is True, default=False,
           default_reason="encrypted not set: EFS file systems are unencrypted by default",
           true_reason="encrypted = true", false_reason="encrypted = {value}")
    _key_owner(f, "kms_key_id", "aws/elasticfilesystem")
    doc, where = None, None
    for raw in f.attached("aws_efs_file_system_policy"):
        doc, where = aws_iam.decode_policy(f.get("policy", None, raw)), f.where("policy", raw)
    tls = aws_iam.denies_insecure_transport(doc)
    if tls is True:
        f.set("encryption.in_transit", True, "file system policy denies mounts without TLS", where=where)
    elif is_unknown(tls):
        f.set("encryption.in_transit", tls, "file system policy not known before apply", where=where)
    else:
        f.set("encryption.in_transit", False, "no file system policy denies aws:SecureTransport = false: "
              "clients may mount over plain NFS", "default", where or f.where())
    grant = aws_iam.public_grant(doc)
    f.set("public", grant.public if grant.public is not False else False,
          f"file system policy {grant.reason}" if doc is not None else
          "EFS is reachable only through mount targets inside the VPC", "derived", where or f.where())


# ------------------------------------------------------------------ ECR
attach("aws_ecr_repository_policy", ("aws_ecr_repository",), ("repository",))


@register("aws_ecr_repository", "object_store")
def ecr_repository(f: Facts) -> None:
    doc, where = None, None
    for raw in f.attached("aws_ecr_repository_policy"):
        doc, where = aws_iam.decode_policy(f.get("policy", None, raw)), f.where("policy", raw)
    grant = aws_iam.public_grant(doc)
    if grant.public is True:
        f.set("public", True, f"repository policy {grant.reason}", "derived", where)
    elif is_unknown(grant.public):
        f.set("public", grant.public, grant.reason, where=where)
    else:
        f.set("public", False, "no repository policy grants the public" if doc is not None
              else "ECR repositories are private unless a repository policy grants access",
              "default" if doc is None else "derived", where or f.where())
    etype = f.get("encryption_configuration.encryption_type")
    f.set("encryption.at_rest", True, f"images encrypted with {etype or 'AES256 (default)'}",
          "explicit" if etype else "default", f.where("encryption_configuration") if etype else f.where())
    key = f.get("encryption_configuration.kms_key")
    if isinstance(etype, str) and etype.upper() == "KMS" and key is not None:
        _key_owner(f, "encryption_configuration.kms_key", "aws/ecr")
    elif is_unknown(etype):
        f.set("encryption.key_owner", etype, "encryption_type not known before apply",
              where=f.where("encryption_configuration"))
    else:
        f.set("encryption.key_owner", "provider", "AWS-managed aws/ecr key" if etype == "KMS"
              else "AES256 with ECR-managed keys", "explicit" if etype else "default",
              f.where("encryption_configuration") if etype else f.where())


# ------------------------------------------------------------------ WorkSpaces, CodeBuild
@register("aws_workspaces_workspace", "compute_instance")
def workspace(f: Facts) -> None:
    verdicts = []
    for attr, what in (("root_volume_encryption_enabled", "root volume"),
                       ("user_volume_encryption_enabled", "user volume")):
        value = f.get(attr)
        if value is None:
            verdicts.append((False, f"{attr} not set (default false): the {what} is unencrypted", f.where()))
        elif is_unknown(value):
            verdicts.append((value, f"{attr} not known before apply", f.where(attr)))
        else:
            on = as_bool(value) is True
            verdicts.append((on, f"{attr} = {str(value).lower()}", f.where(attr)))
    value, reason, where = combine(verdicts)
    if value is True:
        reason = "root and user volumes encrypted"
    f.set("encryption.at_rest", value, reason, where=where)
    if f.get("volume_encryption_key") is not None:
        f.set("encryption.key_owner", "customer", "volume_encryption_key set", where=f.where("volume_encryption_key"))


@register("aws_codebuild_project", "compute_instance")
def codebuild_project(f: Facts) -> None:
    verdicts = []
    for path in ("artifacts", "secondary_artifacts"):
        for i, block in enumerate(f.blocks(path)):
            sub = f"{path}.{i}.encryption_disabled"
            if is_unknown(block):
                verdicts.append((block, f"{path} not known before apply", f.where(path)))
                continue
            if not isinstance(block, dict):
                continue
            value = block.get("encryption_disabled")
            if is_unknown(value):
                verdicts.append((value, f"{path} encryption_disabled not known before apply", f.where(sub)))
            elif as_bool(value) is True:
                verdicts.append((False, f"{path} encryption_disabled = true: build artifacts are stored "
                                 "unencrypted", f.where(sub)))
    verdict = combine(verdicts)
    if verdict is None:
        f.set("encryption.at_rest", True, "artifacts encrypted with the AWS-managed S3 key "
              "(encryption_disabled defaults to false)", "default", f.where())
    else:
        _set(f, "encryption.at_rest", verdict)


# ------------------------------------------------------------------ keys
def _key_owner(f: Facts, attr: str, managed_alias: str) -> None:
    key = f.get(attr)
    at_rest = f.facets.get("encryption.at_rest")
    if key is not None and not (isinstance(key, str) and key.endswith(f"alias/{managed_alias}")):
        f.set("encryption.key_owner", "customer", f"{attr} names a customer-managed key", where=f.where(attr))
    elif at_rest is not None and at_rest.value is True:
        f.set("encryption.key_owner", "provider", f"encrypted with the AWS-managed {managed_alias} key",
              "default", f.where(attr) if key is not None else f.where())


key_owner = _key_owner
