"""CloudFormation resources -> the equivalent Terraform-shaped RawResources.

Each supported CloudFormation type is translated into the arguments of the AWS provider (v5)
resource that creates the same thing, so the normalizers written for Terraform apply unchanged
and every policy covers both inputs. The RawResource keeps the CloudFormation type in
`source_type`, the logical id as its address, `source_format = "cloudformation"`, the line of
the CloudFormation property behind each translated argument in `attr_lines`, and the logical ids
it references in `refs`. The resource's Metadata is kept in attributes["__metadata__"] (for
suppressions). Types without a translation keep their CloudFormation type (no normalizer
applies).

Where CloudFormation (the service API) and the Terraform provider differ on what an absent
property means, the translation states the API behaviour explicitly:
- AWS::RDS::DBInstance without PubliclyAccessible: the API decides from the VPC (public when the
  DB subnet group's VPC, or the default VPC, has an internet gateway), which the template alone
  does not show -> publicly_accessible is Unknown (Terraform sends false).
- AWS::Redshift::Cluster without PubliclyAccessible: the API default is false since 2025-01-10
  (Terraform v5 sends true) -> publicly_accessible = false.
- AWS::ApiGateway::Method without AuthorizationType: NONE.
- AWS::S3::Bucket LoggingConfiguration without DestinationBucketName logs to the bucket itself.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional

from ..model import Location, RawResource
from ..values import Unknown, is_unknown, refs_of
from .yaml_loader import line_of


# ------------------------------------------------------------------ converters
def to_bool(v: Any) -> Any:
    if isinstance(v, str) and v.lower() in ("true", "false"):
        return v.lower() == "true"
    return v


def to_int(v: Any) -> Any:
    if isinstance(v, bool) or is_unknown(v):
        return v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, str):
        try:
            return int(v.strip())
        except ValueError:
            return v
    return v


def lower(v: Any) -> Any:
    return v.lower() if isinstance(v, str) else v


def as_list(v: Any) -> Any:
    if v is None or is_unknown(v) or isinstance(v, list):
        return v
    return [v]


def one(v: Any) -> Any:
    """A single-valued property (CidrIp) -> a one-item list, even when its value is unknown."""
    return v if isinstance(v, list) else [v]


def tags(v: Any) -> Any:
    """CloudFormation Tags ([{Key, Value}] or SAM's map) -> a Terraform tags map."""
    if isinstance(v, dict):
        return dict(v)
    if isinstance(v, list):
        out = {}
        for item in v:
            if isinstance(item, dict) and isinstance(item.get("Key"), str):
                out[item["Key"]] = item.get("Value")
        return out
    return v


def policy(v: Any) -> Any:
    """A policy document property: already a structure (Unknowns inside are fine)."""
    if isinstance(v, str):
        import json
        try:
            return json.loads(v)
        except ValueError:
            return v
    return v


@dataclass(frozen=True)
class Block:
    """A nested CloudFormation object -> a Terraform block (list of one dict)."""
    spec: tuple


@dataclass(frozen=True)
class Blocks:
    """A CloudFormation list of objects -> repeated Terraform blocks."""
    spec: tuple


def convert(src: Any, spec, lines: dict, prefix: str, default_line: int) -> Any:
    """Map `src` (a CloudFormation object) through `spec` [(tf_name, CfnKey, converter)]."""
    if not isinstance(src, dict):
        return src
    out: dict = {}
    for tf, key, conv in spec:
        if key not in src:
            continue
        value = src[key]
        line = line_of(src, key, default_line)
        path = prefix + tf
        lines[path] = line
        if isinstance(conv, Block):
            out[tf] = value if is_unknown(value) else [convert(value, conv.spec, lines, path + ".0.", line)]
        elif isinstance(conv, Blocks):
            if not isinstance(value, list):
                out[tf] = value if is_unknown(value) else []
            else:
                items = []
                for i, item in enumerate(value):
                    item_line = line_of(value, i, line)
                    lines[f"{path}.{i}"] = item_line
                    items.append(convert(item, conv.spec, lines, f"{path}.{i}.", item_line))
                out[tf] = items
        elif conv is not None:
            out[tf] = conv(value)
        else:
            out[tf] = value
    return out


# ------------------------------------------------------------------ context
@dataclass
class Item:
    """One CloudFormation resource being translated."""
    lid: str
    cfn_type: str
    props: Any            # evaluated Properties (LineDict), {} when absent
    line: int
    rel: str
    metadata: Any
    view: Any             # loader.TemplateView: other resources, Globals, notes
    static_refs: frozenset = frozenset()   # resources the properties name, as written

    def raw(self, tf_type: str, attrs: dict, lines: dict, address: str = "",
            extra_refs: frozenset = frozenset()) -> RawResource:
        address = address or self.lid
        if self.metadata is not None:
            attrs["__metadata__"] = self.metadata
        refs = set(refs_of(attrs)) | set(extra_refs) | set(self.static_refs)
        refs.discard(address)
        return RawResource(address=address, type=tf_type, attributes=attrs,
                           location=Location(self.rel, self.line), attr_lines=lines,
                           refs=frozenset(refs), source_format="cloudformation",
                           source_type=self.cfn_type)

    def simple(self, tf_type: str, spec) -> tuple[dict, dict]:
        lines: dict = {}
        attrs = convert(self.props, spec, lines, "", self.line)
        return (attrs if isinstance(attrs, dict) else {}), lines


Translator = Callable[[Item], list]
TRANSLATORS: dict[str, Translator] = {}


def simple(cfn_type: str, tf_type: str, spec: tuple, post: Optional[Callable] = None) -> None:
    """Register a property-by-property translation, with an optional fix-up
    `post(item, attrs, lines) -> list of extra RawResources`."""
    def translate(item: Item) -> list:
        attrs, lines = item.simple(tf_type, spec)
        extra = post(item, attrs, lines) if post else []
        return [item.raw(tf_type, attrs, lines)] + list(extra or [])
    TRANSLATORS[cfn_type] = translate


def translator(cfn_type: str):
    def wrap(func):
        TRANSLATORS[cfn_type] = func
        return func
    return wrap


def translate(item: Item) -> list:
    func = TRANSLATORS.get(item.cfn_type)
    if func is None:
        attrs = dict(item.props) if isinstance(item.props, dict) else {}
        lines = {k: v for k, v in getattr(item.props, "lines", {}).items()}
        return [item.raw(item.cfn_type, attrs, lines)]
    return func(item)


def _set(attrs: dict, lines: dict, name: str, value: Any, line: int) -> None:
    attrs[name] = value
    lines[name] = line


TAGS = ("tags", "Tags", tags)

# ------------------------------------------------------------------ S3
ACLS = {"Private": "private", "PublicRead": "public-read", "PublicReadWrite": "public-read-write",
        "AuthenticatedRead": "authenticated-read", "LogDeliveryWrite": "log-delivery-write",
        "BucketOwnerRead": "bucket-owner-read", "BucketOwnerFullControl": "bucket-owner-full-control",
        "AwsExecRead": "aws-exec-read"}

SSE_DEFAULT = (("sse_algorithm", "SSEAlgorithm", None), ("kms_master_key_id", "KMSMasterKeyID", None))
S3_BUCKET = (
    ("bucket", "BucketName", None),
    ("acl", "AccessControl", lambda v: ACLS.get(v, v) if isinstance(v, str) else v),
    ("server_side_encryption_configuration", "BucketEncryption", Block((
        ("rule", "ServerSideEncryptionConfiguration", Blocks((
            ("apply_server_side_encryption_by_default", "ServerSideEncryptionByDefault", Block(SSE_DEFAULT)),
            ("bucket_key_enabled", "BucketKeyEnabled", to_bool)))),))),
    ("logging", "LoggingConfiguration", Block((
        ("target_bucket", "DestinationBucketName", None), ("target_prefix", "LogFilePrefix", None)))),
    ("versioning", "VersioningConfiguration", Block((
        ("enabled", "Status", lambda v: v == "Enabled" if isinstance(v, str) else v),))),
    ("website", "WebsiteConfiguration", Block((
        ("index_document", "IndexDocument", None), ("error_document", "ErrorDocument", None)))),
    TAGS,
)


def _s3_post(item: Item, attrs: dict, lines: dict) -> list:
    props = item.props if isinstance(item.props, dict) else {}
    logging = attrs.get("logging")
    if isinstance(logging, list) and logging and isinstance(logging[0], dict) \
            and "target_bucket" not in logging[0]:
        logging[0]["target_bucket"] = Unknown("the bucket itself (no DestinationBucketName)")
    lifecycle = props.get("LifecycleConfiguration")
    rules = lifecycle.get("Rules") if isinstance(lifecycle, dict) else lifecycle
    if is_unknown(rules):
        _set(attrs, lines, "lifecycle_rule", [rules], line_of(props, "LifecycleConfiguration", item.line))
    elif isinstance(rules, list):
        out = []
        base = line_of(props, "LifecycleConfiguration", item.line)
        for i, rule in enumerate(rules):
            if not isinstance(rule, dict):
                out.append(rule)
                continue
            block: dict = {"id": rule.get("Id"), "prefix": rule.get("Prefix"),
                           "enabled": rule.get("Status") == "Enabled" if isinstance(rule.get("Status"), str)
                           else rule.get("Status", True)}
            if any(k in rule for k in ("ExpirationInDays", "ExpirationDate", "ExpiredObjectDeleteMarker")):
                block["expiration"] = [{"days": to_int(rule.get("ExpirationInDays")),
                                        "date": rule.get("ExpirationDate")}]
            nc = rule.get("NoncurrentVersionExpiration")
            if "NoncurrentVersionExpirationInDays" in rule or isinstance(nc, dict):
                days = rule.get("NoncurrentVersionExpirationInDays",
                                nc.get("NoncurrentDays") if isinstance(nc, dict) else None)
                block["noncurrent_version_expiration"] = [{"days": to_int(days)}]
            out.append(block)
            lines[f"lifecycle_rule.{i}"] = line_of(rules, i, base)
        _set(attrs, lines, "lifecycle_rule", out, base)
    block = props.get("PublicAccessBlockConfiguration")
    if block is None:
        return []
    pab_lines: dict = {}
    line = line_of(props, "PublicAccessBlockConfiguration", item.line)
    pab = convert(block, (("block_public_acls", "BlockPublicAcls", to_bool),
                          ("block_public_policy", "BlockPublicPolicy", to_bool),
                          ("ignore_public_acls", "IgnorePublicAcls", to_bool),
                          ("restrict_public_buckets", "RestrictPublicBuckets", to_bool)), pab_lines, "", line)
    if not isinstance(pab, dict):   # Unknown block: every setting unknown
        pab = {k: block for k in ("block_public_acls", "block_public_policy", "ignore_public_acls",
                                  "restrict_public_buckets")}
    pab["bucket"] = Unknown(f"{item.lid} bucket name", {item.lid})
    pab_lines["bucket"] = line
    raw = item.raw("aws_s3_bucket_public_access_block", pab, pab_lines,
                   address=f"{item.lid}.PublicAccessBlockConfiguration")
    raw.location = Location(item.rel, line)
    return [raw]


simple("AWS::S3::Bucket", "aws_s3_bucket", S3_BUCKET, _s3_post)
simple("AWS::S3::BucketPolicy", "aws_s3_bucket_policy", (
    ("bucket", "Bucket", None), ("policy", "PolicyDocument", policy)))

# ------------------------------------------------------------------ RDS and other databases
DB_INSTANCE = (
    ("identifier", "DBInstanceIdentifier", None), ("engine", "Engine", lower),
    ("engine_version", "EngineVersion", None), ("instance_class", "DBInstanceClass", None),
    ("allocated_storage", "AllocatedStorage", to_int), ("publicly_accessible", "PubliclyAccessible", to_bool),
    ("storage_encrypted", "StorageEncrypted", to_bool), ("kms_key_id", "KmsKeyId", None),
    ("port", "Port", to_int), ("parameter_group_name", "DBParameterGroupName", None),
    ("vpc_security_group_ids", "VPCSecurityGroups", as_list), ("security_group_names", "DBSecurityGroups", as_list),
    ("db_subnet_group_name", "DBSubnetGroupName", None),
    ("enabled_cloudwatch_logs_exports", "EnableCloudwatchLogsExports", as_list),
    ("iam_database_authentication_enabled", "EnableIAMDatabaseAuthentication", to_bool),
    ("backup_retention_period", "BackupRetentionPeriod", to_int), ("deletion_protection", "DeletionProtection", to_bool),
    ("multi_az", "MultiAZ", to_bool), ("db_name", "DBName", None), ("username", "MasterUsername", None),
    ("password", "MasterUserPassword", None), ("replicate_source_db", "SourceDBInstanceIdentifier", None),
    ("snapshot_identifier", "DBSnapshotIdentifier", None), ("storage_type", "StorageType", None),
    ("option_group_name", "OptionGroupName", None), ("cluster_identifier", "DBClusterIdentifier", None),
    TAGS,
)


@translator("AWS::RDS::DBInstance")
def _db_instance(item: Item) -> list:
    attrs, lines = item.simple("aws_db_instance", DB_INSTANCE)
    if "publicly_accessible" not in attrs:
        _set(attrs, lines, "publicly_accessible", Unknown(
            "PubliclyAccessible not set: RDS then makes the instance public when its VPC (the DB "
            "subnet group's, or the default VPC) has an internet gateway"), item.line)
    if "cluster_identifier" in attrs:      # an Aurora cluster member
        return [item.raw("aws_rds_cluster_instance", attrs, lines)]
    attrs.pop("cluster_identifier", None)
    return [item.raw("aws_db_instance", attrs, lines)]


CLUSTER_COMMON = (
    ("cluster_identifier", "DBClusterIdentifier", None), ("engine", "Engine", lower),
    ("engine_version", "EngineVersion", None), ("storage_encrypted", "StorageEncrypted", to_bool),
    ("port", "Port", to_int), ("vpc_security_group_ids", "VpcSecurityGroupIds", as_list),
    ("db_subnet_group_name", "DBSubnetGroupName", None),
    ("backup_retention_period", "BackupRetentionPeriod", to_int),
    ("deletion_protection", "DeletionProtection", to_bool), ("snapshot_identifier", "SnapshotIdentifier", None),
    TAGS,
)
simple("AWS::RDS::DBCluster", "aws_rds_cluster", CLUSTER_COMMON + (
    ("engine_mode", "EngineMode", None), ("kms_key_id", "KmsKeyId", None),
    ("db_cluster_parameter_group_name", "DBClusterParameterGroupName", None),
    ("enabled_cloudwatch_logs_exports", "EnableCloudwatchLogsExports", as_list),
    ("iam_database_authentication_enabled", "EnableIAMDatabaseAuthentication", to_bool),
    ("database_name", "DatabaseName", None), ("master_username", "MasterUsername", None),
    ("master_password", "MasterUserPassword", None)))
simple("AWS::Neptune::DBCluster", "aws_neptune_cluster", CLUSTER_COMMON + (
    ("kms_key_arn", "KmsKeyId", None),
    ("iam_database_authentication_enabled", "IamAuthEnabled", to_bool),
    ("enable_cloudwatch_logs_exports", "EnableCloudwatchLogsExports", as_list),
    ("neptune_cluster_parameter_group_name", "DBClusterParameterGroupName", None)))
simple("AWS::Neptune::DBInstance", "aws_neptune_cluster_instance", (
    ("cluster_identifier", "DBClusterIdentifier", None), ("instance_class", "DBInstanceClass", None),
    ("identifier", "DBInstanceIdentifier", None), TAGS))
simple("AWS::DocDB::DBCluster", "aws_docdb_cluster", CLUSTER_COMMON + (
    ("kms_key_id", "KmsKeyId", None),
    ("db_cluster_parameter_group_name", "DBClusterParameterGroupName", None),
    ("enabled_cloudwatch_logs_exports", "EnableCloudwatchLogsExports", as_list),
    ("master_username", "MasterUsername", None), ("master_password", "MasterUserPassword", None)))
simple("AWS::DocDB::DBInstance", "aws_docdb_cluster_instance", (
    ("cluster_identifier", "DBClusterIdentifier", None), ("instance_class", "DBInstanceClass", None),
    ("identifier", "DBInstanceIdentifier", None), TAGS))


def _parameters_map(item: Item, attrs: dict, lines: dict) -> list:
    params = item.props.get("Parameters") if isinstance(item.props, dict) else None
    if isinstance(params, dict):
        out = []
        for i, (name, value) in enumerate(params.items()):
            out.append({"name": name, "value": value if is_unknown(value) else str(value)})
            lines[f"parameter.{i}"] = line_of(params, name, item.line)
        _set(attrs, lines, "parameter", out, line_of(item.props, "Parameters", item.line))
    elif is_unknown(params):
        _set(attrs, lines, "parameter", params, line_of(item.props, "Parameters", item.line))
    return []


PARAMETER_GROUP = (("name", "DBParameterGroupName", None), ("family", "Family", None),
                   ("description", "Description", None), TAGS)
simple("AWS::RDS::DBParameterGroup", "aws_db_parameter_group", PARAMETER_GROUP, _parameters_map)
simple("AWS::RDS::DBClusterParameterGroup", "aws_rds_cluster_parameter_group", (
    ("name", "DBClusterParameterGroupName", None), ("family", "Family", None),
    ("description", "Description", None), TAGS), _parameters_map)
simple("AWS::DocDB::DBClusterParameterGroup", "aws_docdb_cluster_parameter_group", (
    ("name", "Name", None), ("family", "Family", None), ("description", "Description", None), TAGS),
    _parameters_map)
simple("AWS::Neptune::DBClusterParameterGroup", "aws_neptune_cluster_parameter_group", (
    ("name", "Name", None), ("family", "Family", None), ("description", "Description", None), TAGS),
    _parameters_map)
simple("AWS::RDS::DBSubnetGroup", "aws_db_subnet_group", (
    ("name", "DBSubnetGroupName", None), ("subnet_ids", "SubnetIds", as_list), TAGS))

simple("AWS::DynamoDB::Table", "aws_dynamodb_table", (
    ("name", "TableName", None), ("billing_mode", "BillingMode", None),
    ("server_side_encryption", "SSESpecification", Block((
        ("enabled", "SSEEnabled", to_bool), ("kms_key_arn", "KMSMasterKeyId", None)))),
    ("point_in_time_recovery", "PointInTimeRecoverySpecification", Block((
        ("enabled", "PointInTimeRecoveryEnabled", to_bool),))),
    ("ttl", "TimeToLiveSpecification", Block((
        ("attribute_name", "AttributeName", None), ("enabled", "Enabled", to_bool)))),
    ("attribute", "AttributeDefinitions", Blocks((
        ("name", "AttributeName", None), ("type", "AttributeType", None)))),
    ("deletion_protection_enabled", "DeletionProtectionEnabled", to_bool),
    ("policy", "ResourcePolicy", lambda v: policy(v.get("PolicyDocument")) if isinstance(v, dict) else v),
    TAGS))
simple("AWS::DAX::Cluster", "aws_dax_cluster", (
    ("cluster_name", "ClusterName", None), ("node_type", "NodeType", None),
    ("server_side_encryption", "SSESpecification", Block((("enabled", "SSEEnabled", to_bool),))),
    ("cluster_endpoint_encryption_type", "ClusterEndpointEncryptionType", None),
    ("security_group_ids", "SecurityGroupIds", as_list), TAGS))


def _redshift_post(item: Item, attrs: dict, lines: dict) -> list:
    if "publicly_accessible" not in attrs:
        _set(attrs, lines, "publicly_accessible", False, item.line)
    logging = attrs.get("logging")
    if isinstance(logging, list) and logging and isinstance(logging[0], dict):
        logging[0]["enable"] = True     # LoggingProperties present = audit logging on
    return []


simple("AWS::Redshift::Cluster", "aws_redshift_cluster", (
    ("cluster_identifier", "ClusterIdentifier", None), ("encrypted", "Encrypted", to_bool),
    ("kms_key_id", "KmsKeyId", None), ("publicly_accessible", "PubliclyAccessible", to_bool),
    ("port", "Port", to_int), ("node_type", "NodeType", None), ("database_name", "DBName", None),
    ("master_username", "MasterUsername", None), ("master_password", "MasterUserPassword", None),
    ("cluster_parameter_group_name", "ClusterParameterGroupName", None),
    ("vpc_security_group_ids", "VpcSecurityGroupIds", as_list),
    ("cluster_subnet_group_name", "ClusterSubnetGroupName", None),
    ("logging", "LoggingProperties", Block((
        ("bucket_name", "BucketName", None), ("s3_key_prefix", "S3KeyPrefix", None),
        ("log_destination_type", "LogDestinationType", None)))),
    TAGS), _redshift_post)


def _parameters_list(item: Item, attrs: dict, lines: dict) -> list:
    params = item.props.get("Parameters") if isinstance(item.props, dict) else None
    if isinstance(params, list):
        out = []
        for i, p in enumerate(params):
            if isinstance(p, dict):
                value = p.get("ParameterValue")
                out.append({"name": p.get("ParameterName"), "value": value if is_unknown(value) else str(value)})
                lines[f"parameter.{i}"] = line_of(params, i, item.line)
        _set(attrs, lines, "parameter", out, line_of(item.props, "Parameters", item.line))
    return []


simple("AWS::Redshift::ClusterParameterGroup", "aws_redshift_parameter_group", (
    ("name", "ParameterGroupName", None), ("family", "ParameterGroupFamily", None),
    ("description", "Description", None), TAGS), _parameters_list)

# ------------------------------------------------------------------ caches and search
simple("AWS::ElastiCache::ReplicationGroup", "aws_elasticache_replication_group", (
    ("replication_group_id", "ReplicationGroupId", None), ("description", "ReplicationGroupDescription", None),
    ("engine", "Engine", lower), ("engine_version", "EngineVersion", None),
    ("at_rest_encryption_enabled", "AtRestEncryptionEnabled", to_bool),
    ("transit_encryption_enabled", "TransitEncryptionEnabled", to_bool),
    ("auth_token", "AuthToken", None), ("user_group_ids", "UserGroupIds", as_list),
    ("kms_key_id", "KmsKeyId", None), ("port", "Port", to_int), ("node_type", "CacheNodeType", None),
    ("num_cache_clusters", "NumCacheClusters", to_int), ("security_group_ids", "SecurityGroupIds", as_list),
    ("subnet_group_name", "CacheSubnetGroupName", None),
    ("snapshot_retention_limit", "SnapshotRetentionLimit", to_int),
    ("automatic_failover_enabled", "AutomaticFailoverEnabled", to_bool), TAGS))
simple("AWS::ElastiCache::CacheCluster", "aws_elasticache_cluster", (
    ("cluster_id", "ClusterName", None), ("engine", "Engine", lower), ("node_type", "CacheNodeType", None),
    ("num_cache_nodes", "NumCacheNodes", to_int), ("port", "Port", to_int),
    ("security_group_ids", "VpcSecurityGroupIds", as_list),
    ("transit_encryption_enabled", "TransitEncryptionEnabled", to_bool),
    ("subnet_group_name", "CacheSubnetGroupName", None), TAGS))

SEARCH_COMMON = (
    ("domain_name", "DomainName", None),
    ("encrypt_at_rest", "EncryptionAtRestOptions", Block((
        ("enabled", "Enabled", to_bool), ("kms_key_id", "KmsKeyId", None)))),
    ("node_to_node_encryption", "NodeToNodeEncryptionOptions", Block((("enabled", "Enabled", to_bool),))),
    ("domain_endpoint_options", "DomainEndpointOptions", Block((
        ("enforce_https", "EnforceHTTPS", to_bool), ("tls_security_policy", "TLSSecurityPolicy", None),
        ("custom_endpoint_enabled", "CustomEndpointEnabled", to_bool)))),
    ("access_policies", "AccessPolicies", policy),
    ("advanced_security_options", "AdvancedSecurityOptions", Block((
        ("enabled", "Enabled", to_bool), ("internal_user_database_enabled", "InternalUserDatabaseEnabled", to_bool),
        ("anonymous_auth_enabled", "AnonymousAuthEnabled", to_bool),
        ("master_user_options", "MasterUserOptions", Block((
            ("master_user_arn", "MasterUserARN", None), ("master_user_name", "MasterUserName", None),
            ("master_user_password", "MasterUserPassword", None))))))),
    ("vpc_options", "VPCOptions", Block((
        ("subnet_ids", "SubnetIds", as_list), ("security_group_ids", "SecurityGroupIds", as_list)))),
    ("ebs_options", "EBSOptions", Block((
        ("ebs_enabled", "EBSEnabled", to_bool), ("volume_size", "VolumeSize", to_int),
        ("volume_type", "VolumeType", None)))),
    TAGS,
)
CLUSTER_CONFIG = (("instance_type", "InstanceType", None), ("instance_count", "InstanceCount", to_int),
                  ("dedicated_master_enabled", "DedicatedMasterEnabled", to_bool),
                  ("zone_awareness_enabled", "ZoneAwarenessEnabled", to_bool))


def _log_publishing(item: Item, attrs: dict, lines: dict) -> list:
    options = item.props.get("LogPublishingOptions") if isinstance(item.props, dict) else None
    line = line_of(item.props, "LogPublishingOptions", item.line)
    if is_unknown(options):
        _set(attrs, lines, "log_publishing_options", [options], line)
    elif isinstance(options, dict):
        out = []
        for i, (log_type, spec) in enumerate(options.items()):
            spec = spec if isinstance(spec, dict) else {}
            out.append({"log_type": log_type, "cloudwatch_log_group_arn": spec.get("CloudWatchLogsLogGroupArn"),
                        "enabled": to_bool(spec.get("Enabled", True))})
            lines[f"log_publishing_options.{i}"] = line_of(options, log_type, line)
        _set(attrs, lines, "log_publishing_options", out, line)
    return []


simple("AWS::Elasticsearch::Domain", "aws_elasticsearch_domain", SEARCH_COMMON + (
    ("elasticsearch_version", "ElasticsearchVersion", None),
    ("cluster_config", "ElasticsearchClusterConfig", Block(CLUSTER_CONFIG))), _log_publishing)
simple("AWS::OpenSearchService::Domain", "aws_opensearch_domain", SEARCH_COMMON + (
    ("engine_version", "EngineVersion", None),
    ("cluster_config", "ClusterConfig", Block(CLUSTER_CONFIG))), _log_publishing)

# ------------------------------------------------------------------ EC2, EBS, EFS
RULE = (("protocol", "IpProtocol", lambda v: str(v) if isinstance(v, int) else lower(v)),
        ("from_port", "FromPort", to_int), ("to_port", "ToPort", to_int),
        ("cidr_blocks", "CidrIp", one), ("ipv6_cidr_blocks", "CidrIpv6", one),
        ("security_groups", "SourceSecurityGroupId", as_list),
        ("source_security_group_id", "SourceSecurityGroupName", None),
        ("prefix_list_ids", "SourcePrefixListId", as_list), ("description", "Description", None))
EGRESS = (("protocol", "IpProtocol", lambda v: str(v) if isinstance(v, int) else lower(v)),
          ("from_port", "FromPort", to_int), ("to_port", "ToPort", to_int),
          ("cidr_blocks", "CidrIp", one), ("ipv6_cidr_blocks", "CidrIpv6", one),
          ("security_groups", "DestinationSecurityGroupId", as_list), ("description", "Description", None))


def _all_ports(block: Any) -> None:
    """IpProtocol -1 ignores the ports; Terraform writes 0-0."""
    if isinstance(block, dict) and block.get("protocol") == "-1":
        block.setdefault("from_port", 0)
        block.setdefault("to_port", 0)


def _sg_post(item: Item, attrs: dict, lines: dict) -> list:
    for name in ("ingress", "egress"):
        for block in attrs.get(name) or [] if not is_unknown(attrs.get(name)) else []:
            _all_ports(block)
    return []


simple("AWS::EC2::SecurityGroup", "aws_security_group", (
    ("name", "GroupName", None), ("description", "GroupDescription", None), ("vpc_id", "VpcId", None),
    ("ingress", "SecurityGroupIngress", Blocks(RULE)), ("egress", "SecurityGroupEgress", Blocks(EGRESS)),
    TAGS), _sg_post)


def _rule_post(kind: str):
    def post(item: Item, attrs: dict, lines: dict) -> list:
        attrs["type"] = kind
        if "security_group_id" not in attrs and isinstance(item.props, dict) and "GroupName" in item.props:
            _set(attrs, lines, "security_group_id", item.props["GroupName"], line_of(item.props, "GroupName", item.line))
        _all_ports(attrs)
        return []
    return post


simple("AWS::EC2::SecurityGroupIngress", "aws_security_group_rule",
       (("security_group_id", "GroupId", None),) + RULE, _rule_post("ingress"))
simple("AWS::EC2::SecurityGroupEgress", "aws_security_group_rule",
       (("security_group_id", "GroupId", None),) + EGRESS, _rule_post("egress"))

simple("AWS::EC2::Volume", "aws_ebs_volume", (
    ("availability_zone", "AvailabilityZone", None), ("encrypted", "Encrypted", to_bool),
    ("kms_key_id", "KmsKeyId", None), ("size", "Size", to_int), ("snapshot_id", "SnapshotId", None),
    ("type", "VolumeType", None), ("iops", "Iops", to_int), TAGS))
simple("AWS::EC2::VolumeAttachment", "aws_volume_attachment", (
    ("volume_id", "VolumeId", None), ("instance_id", "InstanceId", None), ("device_name", "Device", None)))

ROOT_DEVICES = ("/dev/xvda", "/dev/sda1", "/dev/sda")
EBS = (("encrypted", "Encrypted", to_bool), ("kms_key_id", "KmsKeyId", None),
       ("volume_size", "VolumeSize", to_int), ("volume_type", "VolumeType", None),
       ("snapshot_id", "SnapshotId", None), ("delete_on_termination", "DeleteOnTermination", to_bool),
       ("iops", "Iops", to_int))


def _block_devices(item: Item, attrs: dict, lines: dict, mappings: Any, base_line: int) -> None:
    """BlockDeviceMappings -> root_block_device (the AMI's usual root names) and ebs_block_device."""
    if is_unknown(mappings):
        _set(attrs, lines, "ebs_block_device", [mappings], base_line)
        return
    if not isinstance(mappings, list):
        return
    for i, mapping in enumerate(mappings):
        if not isinstance(mapping, dict) or "Ebs" not in mapping:
            continue
        line = line_of(mappings, i, base_line)
        device = mapping.get("DeviceName")
        sub: dict = {}
        block = convert(mapping["Ebs"], EBS, sub, "", line_of(mapping, "Ebs", line))
        if isinstance(block, dict):
            block["device_name"] = device
        name = "root_block_device" if device in ROOT_DEVICES else "ebs_block_device"
        existing = attrs.setdefault(name, [])
        index = len(existing)
        existing.append(block)
        lines[f"{name}.{index}"] = line
        lines.setdefault(name, line)
        for k, v in sub.items():
            lines[f"{name}.{index}.{k}"] = v


@translator("AWS::EC2::Instance")
def _instance(item: Item) -> list:
    attrs, lines = item.simple("aws_instance", (
        ("ami", "ImageId", None), ("instance_type", "InstanceType", None), ("subnet_id", "SubnetId", None),
        ("vpc_security_group_ids", "SecurityGroupIds", as_list), ("security_groups", "SecurityGroups", as_list),
        ("key_name", "KeyName", None), ("iam_instance_profile", "IamInstanceProfile", None),
        ("user_data", "UserData", None), ("monitoring", "Monitoring", to_bool),
        ("availability_zone", "AvailabilityZone", None), TAGS))
    props = item.props if isinstance(item.props, dict) else {}
    _block_devices(item, attrs, lines, props.get("BlockDeviceMappings"),
                   line_of(props, "BlockDeviceMappings", item.line))
    interfaces = props.get("NetworkInterfaces")
    if isinstance(interfaces, list):
        for i, nic in enumerate(interfaces):
            if not isinstance(nic, dict) or to_int(nic.get("DeviceIndex", 0)) not in (0, "0"):
                continue
            line = line_of(interfaces, i, item.line)
            if "AssociatePublicIpAddress" in nic:
                _set(attrs, lines, "associate_public_ip_address", to_bool(nic["AssociatePublicIpAddress"]),
                     line_of(nic, "AssociatePublicIpAddress", line))
            if "GroupSet" in nic and "vpc_security_group_ids" not in attrs:
                _set(attrs, lines, "vpc_security_group_ids", as_list(nic["GroupSet"]), line_of(nic, "GroupSet", line))
            if "SubnetId" in nic and "subnet_id" not in attrs:
                _set(attrs, lines, "subnet_id", nic["SubnetId"], line_of(nic, "SubnetId", line))
    return [item.raw("aws_instance", attrs, lines)]


@translator("AWS::AutoScaling::LaunchConfiguration")
def _launch_configuration(item: Item) -> list:
    attrs, lines = item.simple("aws_launch_configuration", (
        ("name", "LaunchConfigurationName", None), ("image_id", "ImageId", None),
        ("instance_type", "InstanceType", None), ("security_groups", "SecurityGroups", as_list),
        ("associate_public_ip_address", "AssociatePublicIpAddress", to_bool), ("user_data", "UserData", None)))
    props = item.props if isinstance(item.props, dict) else {}
    _block_devices(item, attrs, lines, props.get("BlockDeviceMappings"),
                   line_of(props, "BlockDeviceMappings", item.line))
    return [item.raw("aws_launch_configuration", attrs, lines)]


@translator("AWS::EC2::LaunchTemplate")
def _launch_template(item: Item) -> list:
    props = item.props if isinstance(item.props, dict) else {}
    data = props.get("LaunchTemplateData")
    lines: dict = {}
    attrs: dict = {}
    if "LaunchTemplateName" in props:
        _set(attrs, lines, "name", props["LaunchTemplateName"], line_of(props, "LaunchTemplateName", item.line))
    if isinstance(data, dict):
        base = line_of(props, "LaunchTemplateData", item.line)
        attrs.update(convert(data, (
            ("image_id", "ImageId", None), ("instance_type", "InstanceType", None),
            ("vpc_security_group_ids", "SecurityGroupIds", as_list), ("user_data", "UserData", None),
            ("block_device_mappings", "BlockDeviceMappings", Blocks((
                ("device_name", "DeviceName", None), ("no_device", "NoDevice", None),
                ("virtual_name", "VirtualName", None), ("ebs", "Ebs", Block(EBS))))),
            ("metadata_options", "MetadataOptions", Block((("http_tokens", "HttpTokens", None),))),
        ), lines, "", base))
    elif is_unknown(data):
        _set(attrs, lines, "block_device_mappings", [data], item.line)
    return [item.raw("aws_launch_template", attrs, lines)]


simple("AWS::EFS::FileSystem", "aws_efs_file_system", (
    ("encrypted", "Encrypted", to_bool), ("kms_key_id", "KmsKeyId", None),
    ("policy", "FileSystemPolicy", policy), ("performance_mode", "PerformanceMode", None),
    ("lifecycle_policy", "LifecyclePolicies", Blocks((
        ("transition_to_ia", "TransitionToIA", None),
        ("transition_to_primary_storage_class", "TransitionToPrimaryStorageClass", None)))),
    ("tags", "FileSystemTags", tags)))
def _ecr_post(item: Item, attrs: dict, lines: dict) -> list:
    """RepositoryPolicyText -> a synthesized aws_ecr_repository_policy folded into the repository."""
    if "policy" not in attrs:
        return []
    line = lines.pop("policy")
    doc = attrs.pop("policy")
    raw = item.raw("aws_ecr_repository_policy",
                   {"repository": Unknown(f"{item.lid} repository name", {item.lid}), "policy": doc},
                   {"repository": line, "policy": line}, address=f"{item.lid}.RepositoryPolicyText")
    raw.location = Location(item.rel, line)
    return [raw]


simple("AWS::ECR::Repository", "aws_ecr_repository", (
    ("name", "RepositoryName", None), ("image_tag_mutability", "ImageTagMutability", None),
    ("encryption_configuration", "EncryptionConfiguration", Block((
        ("encryption_type", "EncryptionType", None), ("kms_key", "KmsKey", None)))),
    ("image_scanning_configuration", "ImageScanningConfiguration", Block((
        ("scan_on_push", "ScanOnPush", to_bool),))),
    ("policy", "RepositoryPolicyText", policy), TAGS), _ecr_post)
ARTIFACTS = (("type", "Type", None), ("encryption_disabled", "EncryptionDisabled", to_bool),
             ("location", "Location", None))
simple("AWS::CodeBuild::Project", "aws_codebuild_project", (
    ("name", "Name", None), ("encryption_key", "EncryptionKey", None),
    ("artifacts", "Artifacts", Block(ARTIFACTS)), ("secondary_artifacts", "SecondaryArtifacts", Blocks(ARTIFACTS)),
    TAGS))
simple("AWS::WorkSpaces::Workspace", "aws_workspaces_workspace", (
    ("bundle_id", "BundleId", None), ("directory_id", "DirectoryId", None), ("user_name", "UserName", None),
    ("root_volume_encryption_enabled", "RootVolumeEncryptionEnabled", to_bool),
    ("user_volume_encryption_enabled", "UserVolumeEncryptionEnabled", to_bool),
    ("volume_encryption_key", "VolumeEncryptionKey", None), TAGS))

# ------------------------------------------------------------------ messaging and keys
simple("AWS::SQS::Queue", "aws_sqs_queue", (
    ("name", "QueueName", None), ("kms_master_key_id", "KmsMasterKeyId", None),
    ("sqs_managed_sse_enabled", "SqsManagedSseEnabled", to_bool),
    ("message_retention_seconds", "MessageRetentionPeriod", to_int), ("fifo_queue", "FifoQueue", to_bool),
    ("visibility_timeout_seconds", "VisibilityTimeout", to_int),
    ("kms_data_key_reuse_period_seconds", "KmsDataKeyReusePeriodSeconds", to_int),
    ("redrive_policy", "RedrivePolicy", None), TAGS))
simple("AWS::SNS::Topic", "aws_sns_topic", (
    ("name", "TopicName", None), ("kms_master_key_id", "KmsMasterKeyId", None),
    ("fifo_topic", "FifoTopic", to_bool), TAGS))


def _per_target(tf_type: str, list_key: str, tf_link: str):
    """SQS QueuePolicy / SNS TopicPolicy name several targets; Terraform has one per target."""
    def translate(item: Item) -> list:
        props = item.props if isinstance(item.props, dict) else {}
        targets = props.get(list_key)
        targets = targets if isinstance(targets, list) else [targets]
        doc = policy(props.get("PolicyDocument"))
        out = []
        for i, target in enumerate(targets):
            lines = {tf_link: line_of(props, list_key, item.line),
                     "policy": line_of(props, "PolicyDocument", item.line)}
            address = item.lid if len(targets) == 1 else f"{item.lid}[{i}]"
            out.append(item.raw(tf_type, {tf_link: target, "policy": doc}, lines, address=address))
        return out
    return translate


TRANSLATORS["AWS::SQS::QueuePolicy"] = _per_target("aws_sqs_queue_policy", "Queues", "queue_url")
TRANSLATORS["AWS::SNS::TopicPolicy"] = _per_target("aws_sns_topic_policy", "Topics", "arn")

simple("AWS::KMS::Key", "aws_kms_key", (
    ("description", "Description", None), ("enable_key_rotation", "EnableKeyRotation", to_bool),
    ("is_enabled", "Enabled", to_bool), ("policy", "KeyPolicy", policy),
    ("customer_master_key_spec", "KeySpec", None), ("key_usage", "KeyUsage", None),
    ("deletion_window_in_days", "PendingWindowInDays", to_int), TAGS))
simple("AWS::KMS::Alias", "aws_kms_alias", (("name", "AliasName", None), ("target_key_id", "TargetKeyId", None)))
simple("AWS::Kinesis::Stream", "aws_kinesis_stream", (
    ("name", "Name", None), ("retention_period", "RetentionPeriodHours", to_int),
    ("shard_count", "ShardCount", to_int), TAGS), lambda item, attrs, lines: _kinesis(item, attrs, lines))


def _kinesis(item: Item, attrs: dict, lines: dict) -> list:
    enc = item.props.get("StreamEncryption") if isinstance(item.props, dict) else None
    if isinstance(enc, dict):
        line = line_of(item.props, "StreamEncryption", item.line)
        _set(attrs, lines, "encryption_type", enc.get("EncryptionType"), line_of(enc, "EncryptionType", line))
        if "KeyId" in enc:
            _set(attrs, lines, "kms_key_id", enc["KeyId"], line_of(enc, "KeyId", line))
    elif is_unknown(enc):
        _set(attrs, lines, "encryption_type", enc, item.line)
    return []


simple("AWS::MSK::Cluster", "aws_msk_cluster", (
    ("cluster_name", "ClusterName", None), ("kafka_version", "KafkaVersion", None),
    ("encryption_info", "EncryptionInfo", Block((
        ("encryption_at_rest_kms_key_arn", "EncryptionAtRest",
         lambda v: v.get("DataVolumeKMSKeyId") if isinstance(v, dict) else v),
        ("encryption_in_transit", "EncryptionInTransit", Block((
            ("client_broker", "ClientBroker", None), ("in_cluster", "InCluster", to_bool))))))),
    TAGS))
simple("AWS::AmazonMQ::Broker", "aws_mq_broker", (
    ("broker_name", "BrokerName", None), ("engine_type", "EngineType", None),
    ("publicly_accessible", "PubliclyAccessible", to_bool),
    ("encryption_options", "EncryptionOptions", Block((
        ("kms_key_id", "KmsKeyId", None), ("use_aws_owned_key", "UseAwsOwnedKey", to_bool)))),
    ("logs", "Logs", Block((("audit", "Audit", to_bool), ("general", "General", to_bool))))))

# ------------------------------------------------------------------ front doors
simple("AWS::ApiGateway::RestApi", "aws_api_gateway_rest_api", (
    ("name", "Name", None), ("policy", "Policy", policy),
    ("endpoint_configuration", "EndpointConfiguration", Block((("types", "Types", as_list),))), TAGS))


def _method_post(item: Item, attrs: dict, lines: dict) -> list:
    if "authorization" not in attrs:
        _set(attrs, lines, "authorization", "NONE", item.line)
    return []


simple("AWS::ApiGateway::Method", "aws_api_gateway_method", (
    ("http_method", "HttpMethod", lambda v: v.upper() if isinstance(v, str) else v),
    ("authorization", "AuthorizationType", None), ("authorizer_id", "AuthorizerId", None),
    ("api_key_required", "ApiKeyRequired", to_bool), ("rest_api_id", "RestApiId", None),
    ("resource_id", "ResourceId", None), ("authorization_scopes", "AuthorizationScopes", as_list)),
    _method_post)
simple("AWS::ApiGateway::Stage", "aws_api_gateway_stage", (
    ("stage_name", "StageName", None), ("rest_api_id", "RestApiId", None), ("deployment_id", "DeploymentId", None),
    ("access_log_settings", "AccessLogSetting", Block((
        ("destination_arn", "DestinationArn", None), ("format", "Format", None)))),
    ("xray_tracing_enabled", "TracingEnabled", to_bool), ("client_certificate_id", "ClientCertificateId", None),
    TAGS))
simple("AWS::ApiGatewayV2::Api", "aws_apigatewayv2_api", (
    ("name", "Name", None), ("protocol_type", "ProtocolType", None), TAGS))
simple("AWS::ApiGatewayV2::Route", "aws_apigatewayv2_route", (
    ("api_id", "ApiId", None), ("route_key", "RouteKey", None),
    ("authorization_type", "AuthorizationType", None), ("authorizer_id", "AuthorizerId", None),
    ("api_key_required", "ApiKeyRequired", to_bool), ("target", "Target", None)))

LAMBDA = (
    ("function_name", "FunctionName", None), ("runtime", "Runtime", None), ("handler", "Handler", None),
    ("role", "Role", None), ("kms_key_arn", "KmsKeyArn", None),
    ("environment", "Environment", Block((("variables", "Variables", None),))),
    ("vpc_config", "VpcConfig", Block((
        ("subnet_ids", "SubnetIds", as_list), ("security_group_ids", "SecurityGroupIds", as_list)))),
    ("tracing_config", "TracingConfig", Block((("mode", "Mode", None),))), TAGS)
simple("AWS::Lambda::Function", "aws_lambda_function", LAMBDA)
simple("AWS::Lambda::Url", "aws_lambda_function_url", (
    ("function_name", "TargetFunctionArn", None), ("authorization_type", "AuthType", None),
    ("qualifier", "Qualifier", None)))
simple("AWS::Lambda::Permission", "aws_lambda_permission", (
    ("function_name", "FunctionName", None), ("action", "Action", None), ("principal", "Principal", None),
    ("source_arn", "SourceArn", None), ("function_url_auth_type", "FunctionUrlAuthType", None)))

simple("AWS::ElasticLoadBalancingV2::LoadBalancer", "aws_lb", (
    ("name", "Name", None), ("internal", "Scheme", lambda v: v == "internal" if isinstance(v, str) else v),
    ("load_balancer_type", "Type", None), ("security_groups", "SecurityGroups", as_list),
    ("subnets", "Subnets", as_list), TAGS))
simple("AWS::ElasticLoadBalancingV2::Listener", "aws_lb_listener", (
    ("load_balancer_arn", "LoadBalancerArn", None), ("port", "Port", to_int), ("protocol", "Protocol", None),
    ("ssl_policy", "SslPolicy", None),
    ("certificate_arn", "Certificates", lambda v: v[0].get("CertificateArn") if isinstance(v, list) and v
     and isinstance(v[0], dict) else v),
    ("default_action", "DefaultActions", Blocks((
        ("type", "Type", lower), ("target_group_arn", "TargetGroupArn", None),
        ("redirect", "RedirectConfig", Block((
            ("protocol", "Protocol", None), ("port", "Port", None), ("status_code", "StatusCode", None)))))))))
simple("AWS::ElasticLoadBalancing::LoadBalancer", "aws_elb", (
    ("name", "LoadBalancerName", None), ("internal", "Scheme", lambda v: v == "internal" if isinstance(v, str) else v),
    ("security_groups", "SecurityGroups", as_list), ("subnets", "Subnets", as_list),
    ("listener", "Listeners", Blocks((
        ("lb_port", "LoadBalancerPort", to_int), ("lb_protocol", "Protocol", lower),
        ("instance_port", "InstancePort", to_int), ("instance_protocol", "InstanceProtocol", lower),
        ("ssl_certificate_id", "SSLCertificateId", None)))),
    ("access_logs", "AccessLoggingPolicy", Block((
        ("enabled", "Enabled", to_bool), ("bucket", "S3BucketName", None), ("interval", "EmitInterval", to_int)))),
    TAGS))

CACHE_BEHAVIOR = (("target_origin_id", "TargetOriginId", None),
                  ("viewer_protocol_policy", "ViewerProtocolPolicy", None),
                  ("path_pattern", "PathPattern", None))


@translator("AWS::CloudFront::Distribution")
def _distribution(item: Item) -> list:
    props = item.props if isinstance(item.props, dict) else {}
    config = props.get("DistributionConfig")
    lines: dict = {}
    attrs: dict = {}
    base = line_of(props, "DistributionConfig", item.line)
    if isinstance(config, dict):
        attrs = convert(config, (
            ("enabled", "Enabled", to_bool), ("web_acl_id", "WebACLId", None),
            ("default_root_object", "DefaultRootObject", None),
            ("default_cache_behavior", "DefaultCacheBehavior", Block(CACHE_BEHAVIOR)),
            ("ordered_cache_behavior", "CacheBehaviors", Blocks(CACHE_BEHAVIOR)),
            ("logging_config", "Logging", Block((
                ("bucket", "Bucket", None), ("prefix", "Prefix", None), ("include_cookies", "IncludeCookies", to_bool)))),
            ("viewer_certificate", "ViewerCertificate", Block((
                ("minimum_protocol_version", "MinimumProtocolVersion", None),
                ("cloudfront_default_certificate", "CloudFrontDefaultCertificate", to_bool),
                ("acm_certificate_arn", "AcmCertificateArn", None),
                ("iam_certificate_id", "IamCertificateId", None), ("ssl_support_method", "SslSupportMethod", None)))),
            ("origin", "Origins", Blocks((
                ("domain_name", "DomainName", None), ("origin_id", "Id", None),
                ("custom_origin_config", "CustomOriginConfig", Block((
                    ("origin_protocol_policy", "OriginProtocolPolicy", None),
                    ("origin_ssl_protocols", "OriginSSLProtocols", as_list),
                    ("http_port", "HTTPPort", to_int), ("https_port", "HTTPSPort", to_int)))),
                ("s3_origin_config", "S3OriginConfig", Block((
                    ("origin_access_identity", "OriginAccessIdentity", None),)))))),
        ), lines, "", base)
    elif is_unknown(config):
        attrs = {"default_cache_behavior": [config]}
    return [item.raw("aws_cloudfront_distribution", attrs, lines)]


simple("AWS::CloudTrail::Trail", "aws_cloudtrail", (
    ("name", "TrailName", None), ("s3_bucket_name", "S3BucketName", None), ("kms_key_id", "KMSKeyId", None),
    ("enable_log_file_validation", "EnableLogFileValidation", to_bool),
    ("is_multi_region_trail", "IsMultiRegionTrail", to_bool), TAGS))

# ------------------------------------------------------------------ EKS, ECS, network ACLs, Athena
# Shapes follow the Terraform resources the normalizers read (aws_compute.eks_cluster,
# aws_compute.ecs_task_definition, aws_network._acl_rules, aws_analytics.athena_workgroup).
simple("AWS::EKS::Cluster", "aws_eks_cluster", (
    ("name", "Name", None), ("role_arn", "RoleArn", None), ("version", "Version", None),
    ("vpc_config", "ResourcesVpcConfig", Block((
        ("subnet_ids", "SubnetIds", as_list), ("security_group_ids", "SecurityGroupIds", as_list),
        ("endpoint_public_access", "EndpointPublicAccess", to_bool),
        ("endpoint_private_access", "EndpointPrivateAccess", to_bool),
        ("public_access_cidrs", "PublicAccessCidrs", as_list)))),
    ("encryption_config", "EncryptionConfig", Blocks((
        ("resources", "Resources", as_list),
        ("provider", "Provider", Block((("key_arn", "KeyArn", None),)))))),
    ("enabled_cluster_log_types", "Logging",
     lambda v: _eks_log_types(v) if isinstance(v, dict) else v),
    TAGS))


def _eks_log_types(logging: dict) -> Any:
    """Logging.ClusterLogging.EnabledTypes [{Type}] -> enabled_cluster_log_types [type]."""
    cluster = logging.get("ClusterLogging")
    if not isinstance(cluster, dict):
        return cluster if is_unknown(cluster) else []
    types = cluster.get("EnabledTypes")
    if not isinstance(types, list):
        return types if is_unknown(types) else []
    return [t.get("Type") if isinstance(t, dict) else t for t in types]


simple("AWS::ECS::TaskDefinition", "aws_ecs_task_definition", (
    ("family", "Family", None), ("network_mode", "NetworkMode", None),
    ("task_role_arn", "TaskRoleArn", None), ("execution_role_arn", "ExecutionRoleArn", None),
    ("volume", "Volumes", Blocks((
        ("name", "Name", None),
        ("efs_volume_configuration", "EFSVolumeConfiguration", Block((
            ("file_system_id", "FilesystemId", None), ("root_directory", "RootDirectory", None),
            ("transit_encryption", "TransitEncryption", None),
            ("transit_encryption_port", "TransitEncryptionPort", to_int),
            ("authorization_config", "AuthorizationConfig", Block((
                ("access_point_id", "AccessPointId", None), ("iam", "IAM", None)))))))))),
    TAGS))

simple("AWS::EC2::NetworkAcl", "aws_network_acl", (("vpc_id", "VpcId", None), TAGS))


def _acl_entry_post(item: Item, attrs: dict, lines: dict) -> list:
    """PortRange {From, To} -> from_port / to_port; protocol -1 ignores the ports."""
    ports = item.props.get("PortRange") if isinstance(item.props, dict) else None
    if isinstance(ports, dict):
        line = line_of(item.props, "PortRange", item.line)
        for tf, key in (("from_port", "From"), ("to_port", "To")):
            if key in ports:
                _set(attrs, lines, tf, to_int(ports[key]), line_of(ports, key, line))
    elif is_unknown(ports):
        _set(attrs, lines, "from_port", ports, item.line)
        _set(attrs, lines, "to_port", ports, item.line)
    return []


simple("AWS::EC2::NetworkAclEntry", "aws_network_acl_rule", (
    ("network_acl_id", "NetworkAclId", None), ("rule_number", "RuleNumber", to_int),
    ("egress", "Egress", to_bool), ("protocol", "Protocol", lambda v: str(v) if isinstance(v, int) else lower(v)),
    ("rule_action", "RuleAction", lower), ("cidr_block", "CidrBlock", None),
    ("ipv6_cidr_block", "Ipv6CidrBlock", None)), _acl_entry_post)

simple("AWS::Athena::WorkGroup", "aws_athena_workgroup", (
    ("name", "Name", None), ("state", "State", None),
    ("configuration", "WorkGroupConfiguration", Block((
        ("enforce_workgroup_configuration", "EnforceWorkGroupConfiguration", to_bool),
        ("publish_cloudwatch_metrics_enabled", "PublishCloudWatchMetricsEnabled", to_bool),
        ("result_configuration", "ResultConfiguration", Block((
            ("output_location", "OutputLocation", None),
            ("encryption_configuration", "EncryptionConfiguration", Block((
                ("encryption_option", "EncryptionOption", None), ("kms_key_arn", "KmsKey", None)))))))))),
    TAGS))
