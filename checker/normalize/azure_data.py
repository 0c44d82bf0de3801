"""Azure databases and caches: SQL Database, PostgreSQL / MySQL / MariaDB (single and flexible
servers), Cosmos DB, Cache for Redis; also Data Lake Storage Gen1 and managed disks (at rest).

Facets and what they mean here:
- `public` (network-reached stores: SQL servers, PostgreSQL/MySQL/MariaDB, Redis): the server's
  endpoint accepts connections from the whole internet — public network access is on and a
  firewall rule spans at least half the IPv4 space (0.0.0.0–255.255.255.255 in practice), or,
  for Redis, there is no firewall rule at all (Redis then admits every address). Clients still
  need a password or key; `authentication` says so. Cosmos DB is reached through its API like a
  bucket: it never serves anonymous reads, so its `public` is false.
- `network.public_endpoint`: public network access is on and nothing configured on the resource
  itself restricts it by default (Cosmos `ip_range_filter` / virtual network filter; SQL-family
  firewall rules are separate resources, empty by default and often added outside Terraform, so
  an enabled public endpoint counts whatever rules the files show). Reported by PDG160.
- `network.azure_services`: a firewall rule 0.0.0.0–0.0.0.0 ("AllowAllWindowsAzureIps") or a
  Cosmos `ip_range_filter` entry "0.0.0.0": any Azure resource, in any tenant, can connect. We
  decided this is not `public` (the internet at large cannot connect, and credentials are still
  needed) but it is named in the reasons and kept as its own facet.

Provider defaults (azurerm v3 and v4 agree unless stated):
- public_network_access_enabled: true (mssql_server, postgresql/mysql/mariadb_server, cosmosdb
  account, redis_cache). Flexible servers: public when no `delegated_subnet_id`; in v3 the
  argument is computed from that, in v4 it defaults to true and must be false with a subnet.
- azurerm_mssql_server minimum_tls_version: "1.2" ("Disabled" accepts every TLS version).
  azurerm_sql_server (v2/v3 only) cannot set it. Azure SQL encrypts every connection.
- postgresql/mysql single server: ssl_enforcement_enabled is required (no default: absent gives
  an Unknown facet); ssl_minimal_tls_version_enforced defaults to "TLS1_2" in v3 (it was
  "TLSEnforcementDisabled" in v2; v3 is what is deployed today, so its default is used).
  MariaDB: ssl_enforcement_enabled required, no TLS-version argument.
- Flexible servers: the server parameter require_secure_transport is ON unless an
  azurerm_*_flexible_server_configuration sets it OFF.
- azurerm_mssql_database transparent_data_encryption_enabled: true (TDE on by default);
  servers' databases are encrypted with a service-managed key unless a Key Vault key is set
  (transparent_data_encryption_key_vault_key_id, azurerm_mssql_server_transparent_data_encryption).
- PostgreSQL/MySQL/MariaDB and Cosmos DB storage is always encrypted at rest (service-managed
  keys unless a customer-managed key is configured).
- Auditing is off unless an extended auditing policy (inline block in v2/v3, or the
  azurerm_mssql_*_extended_auditing_policy resources, `enabled` default true) or a diagnostic
  setting with log categories exists.
- Redis: enable_non_ssl_port (v3) / non_ssl_port_enabled (v4) default false; minimum_tls_version
  defaults to "1.0" in the provider, but Azure has refused TLS below 1.2 on new caches since
  2024, so an absent value is read as TLS 1.2; an explicit "1.0"/"1.1" is reported.
  redis_configuration.authentication_enabled defaults to true.
- Cosmos DB accepts TLS only; minimal_tls_version defaults to "Tls12".
- azurerm_data_lake_store: encryption_state defaults to "Enabled", firewall_state to "Enabled".
- azurerm_managed_disk: always encrypted by the platform; `encryption_settings.enabled = false`
  only turns off Azure Disk Encryption inside the guest, so it is not reported as unencrypted.
"""
from __future__ import annotations

import ipaddress
from typing import Any, Optional

from ..values import Unknown, is_unknown
from .azure import diagnostic_logs
from .base import Facts, as_bool, attach, register

MSSQL = ("azurerm_mssql_server", "azurerm_sql_server")
PG = ("azurerm_postgresql_server",)
MYSQL = ("azurerm_mysql_server",)
MARIADB = ("azurerm_mariadb_server",)
PG_FLEX = ("azurerm_postgresql_flexible_server",)
MYSQL_FLEX = ("azurerm_mysql_flexible_server",)

attach("azurerm_mssql_firewall_rule", MSSQL, ("server_id",))
attach("azurerm_sql_firewall_rule", MSSQL, ("server_name",))
attach("azurerm_mssql_server_extended_auditing_policy", MSSQL, ("server_id",))
attach("azurerm_mssql_server_transparent_data_encryption", MSSQL, ("server_id",))
attach("azurerm_mssql_database_extended_auditing_policy", ("azurerm_mssql_database",), ("database_id",))
attach("azurerm_postgresql_firewall_rule", PG, ("server_name",))
attach("azurerm_postgresql_configuration", PG, ("server_name",))
attach("azurerm_postgresql_server_key", PG, ("server_id",))
attach("azurerm_mysql_firewall_rule", MYSQL, ("server_name",))
attach("azurerm_mysql_configuration", MYSQL, ("server_name",))
attach("azurerm_mysql_server_key", MYSQL, ("server_id",))
attach("azurerm_mariadb_firewall_rule", MARIADB, ("server_name",))
attach("azurerm_mariadb_configuration", MARIADB, ("server_name",))
attach("azurerm_postgresql_flexible_server_firewall_rule", PG_FLEX, ("server_id",))
attach("azurerm_postgresql_flexible_server_configuration", PG_FLEX, ("server_id",))
attach("azurerm_mysql_flexible_server_firewall_rule", MYSQL_FLEX, ("server_name",))
attach("azurerm_mysql_flexible_server_configuration", MYSQL_FLEX, ("server_name",))
attach("azurerm_redis_firewall_rule", ("azurerm_redis_cache",), ("redis_cache_name",))

FIREWALL_RULES = ("azurerm_mssql_firewall_rule", "azurerm_sql_firewall_rule", "azurerm_postgresql_firewall_rule",
                  "azurerm_mysql_firewall_rule", "azurerm_mariadb_firewall_rule",
                  "azurerm_postgresql_flexible_server_firewall_rule", "azurerm_mysql_flexible_server_firewall_rule",
                  "azurerm_redis_firewall_rule")
HALF_INTERNET = 2 ** 31
PASSWORD = "clients must log in (SQL/Entra ID credentials)"


# ------------------------------------------------------------------ SQL Database
@register("azurerm_mssql_server", "sql_database")
def mssql_server(f: Facts) -> None:
    f.set("port", 1433, "SQL Server listens on 1433", "default", f.where())
    _network(f, _flag_default(f, "public_network_access_enabled", True))
    tls = f.get("minimum_tls_version")
    if tls is None:
        f.set("encryption.in_transit", True, "Azure SQL encrypts every connection; minimum_tls_version not set "
              "(default \"1.2\")", "default", f.where())
    elif is_unknown(tls):
        f.set("encryption.in_transit", tls, "minimum_tls_version not known before apply", where=f.where("minimum_tls_version"))
    else:
        weak = str(tls) in ("1.0", "1.1", "Disabled")
        f.set("encryption.in_transit", not weak,
              f"minimum_tls_version = \"{tls}\"" + (": obsolete TLS versions accepted" if weak else ""),
              where=f.where("minimum_tls_version"))
    _mssql_common(f)


@register("azurerm_sql_server", "sql_database")
def sql_server(f: Facts) -> None:
    f.set("port", 1433, "SQL Server listens on 1433", "default", f.where())
    _network(f, (True, "public endpoint on (azurerm_sql_server cannot turn it off)",
                 "default", f.where()))
    f.set("encryption.in_transit", True, "Azure SQL encrypts every connection (azurerm_sql_server cannot set "
          "a minimum TLS version)", "default", f.where())
    _mssql_common(f)


def _mssql_common(f: Facts) -> None:
    f.set("authentication", True, PASSWORD, "default", f.where())
    f.set("encryption.at_rest", True, "Transparent Data Encryption is on by default for its databases (each "
          "azurerm_mssql_database in the files is checked on its own)",
          "default", f.where())
    key = f.get("transparent_data_encryption_key_vault_key_id")
    tde = f.attached("azurerm_mssql_server_transparent_data_encryption")
    tde_key = next((r for r in tde if r.attributes.get("key_vault_key_id") is not None), None)
    if key is not None:
        f.set("encryption.key_owner", "customer", "TDE protector is a Key Vault key",
              where=f.where("transparent_data_encryption_key_vault_key_id"))
    elif tde_key is not None:
        f.set("encryption.key_owner", "customer", f"{tde_key.address} sets a Key Vault TDE protector",
              where=f.where("key_vault_key_id", tde_key))
    else:
        f.set("encryption.key_owner", "provider", "service-managed TDE key", "default", f.where())
    _mssql_auditing(f)
    _region(f)


def _mssql_auditing(f: Facts) -> None:
    candidates = [(f.raw, "extended_auditing_policy")]
    candidates += [(raw, "") for raw in f.attached("azurerm_mssql_server_extended_auditing_policy")]
    for raw, path in candidates:
        block = f.get(path, None, raw) if path else raw.attributes
        if not is_unknown(block) and not block:
            continue
        enabled = as_bool(f.get(f"{path}.enabled" if path else "enabled", True, raw))
        if is_unknown(enabled):
            f.set("access_logging", enabled, "auditing policy state not known before apply", where=f.where(path, raw))
            return
        if enabled is not False:
            f.set("access_logging", True, f"server auditing is on ({raw.address if path == '' else path})",
                  where=f.where(path, raw))
            return
    _diagnostics_or(f, "no extended auditing policy or diagnostic setting: queries and logins are not audited")


@register("azurerm_mssql_database", "sql_database")
def mssql_database(f: Facts) -> None:
    f.set("port", 1433, "SQL Server listens on 1433", "default", f.where())
    f.set("authentication", True, PASSWORD, "default", f.where())
    f.flag("encryption.at_rest", "transparent_data_encryption_enabled", true_when=lambda v: as_bool(v) is not False,
           default=True, default_reason="transparent_data_encryption_enabled not set (default true): TDE is on",
           true_reason="transparent_data_encryption_enabled = {value}",
           false_reason="transparent_data_encryption_enabled = {value}: the database files are not encrypted")
    server = _server_of(f, MSSQL, "server_id")
    policies = f.attached("azurerm_mssql_database_extended_auditing_policy")
    enabled = [p for p in policies if as_bool(p.attributes.get("enabled", True)) is not False]
    server_audit = []
    if server is not None:
        server_audit = [p for p in f.all_of_type("azurerm_mssql_server_extended_auditing_policy")
                        if server.address in p.refs and as_bool(p.attributes.get("enabled", True)) is not False]
        if server.attributes.get("extended_auditing_policy"):
            server_audit.append(server)
    if enabled:
        f.set("access_logging", True, f"database auditing is on ({enabled[0].address})", where=f.where("", enabled[0]))
    elif server_audit:
        f.set("access_logging", True, f"auditing of its server {server.address} applies to the database",
              "derived", f.where("", server_audit[0]))
    else:
        _diagnostics_or(f, "no auditing policy on the database or its server: queries are not audited")


def _server_of(f: Facts, types: tuple, attr: str):
    value = f.get(attr)
    for raw in f.all_of_type(*types):
        if raw.address in f.raw.refs or (isinstance(value, str) and value in (raw.attributes.get("id"),
                                                                             raw.attributes.get("name"))):
            return raw
    return None


# ------------------------------------------------------------------ PostgreSQL / MySQL / MariaDB
@register("azurerm_postgresql_server", "sql_database")
def postgresql_server(f: Facts) -> None:
    f.set("port", 5432, "PostgreSQL listens on 5432", "default", f.where())
    _single_server(f, has_tls_version=True, configs="azurerm_postgresql_configuration", key="azurerm_postgresql_server_key")


@register("azurerm_mysql_server", "sql_database")
def mysql_server(f: Facts) -> None:
    f.set("port", 3306, "MySQL listens on 3306", "default", f.where())
    _single_server(f, has_tls_version=True, configs="azurerm_mysql_configuration", key="azurerm_mysql_server_key")


@register("azurerm_mariadb_server", "sql_database")
def mariadb_server(f: Facts) -> None:
    f.set("port", 3306, "MariaDB listens on 3306", "default", f.where())
    _single_server(f, has_tls_version=False, configs="azurerm_mariadb_configuration", key=None)


def _single_server(f: Facts, has_tls_version: bool, configs: str, key: Optional[str]) -> None:
    _network(f, _flag_default(f, "public_network_access_enabled", True))
    ssl = as_bool(f.get("ssl_enforcement_enabled"))
    tls = f.get("ssl_minimal_tls_version_enforced") if has_tls_version else None
    if ssl is False:
        f.set("encryption.in_transit", False, "ssl_enforcement_enabled = false: clients may connect without TLS",
              where=f.where("ssl_enforcement_enabled"))
    elif is_unknown(ssl):
        f.set("encryption.in_transit", ssl, "ssl_enforcement_enabled not known before apply",
              where=f.where("ssl_enforcement_enabled"))
    elif ssl is None:
        f.set("encryption.in_transit", Unknown("ssl_enforcement_enabled not set"),
              "ssl_enforcement_enabled not set: it is required (no provider default)", where=f.where())
    elif is_unknown(tls):
        f.set("encryption.in_transit", tls, "ssl_minimal_tls_version_enforced not known before apply",
              where=f.where("ssl_minimal_tls_version_enforced"))
    elif isinstance(tls, str) and tls in ("TLS1_0", "TLS1_1", "TLSEnforcementDisabled"):
        f.set("encryption.in_transit", False, f"ssl_minimal_tls_version_enforced = \"{tls}\": obsolete TLS accepted",
              where=f.where("ssl_minimal_tls_version_enforced"))
    else:
        f.set("encryption.in_transit", True, "ssl_enforcement_enabled = true" + (
              f", minimum {tls}" if tls else (", minimum TLS1_2 (azurerm v3 default)" if has_tls_version else "")),
              where=f.where("ssl_enforcement_enabled"))
    f.set("authentication", True, PASSWORD, "default", f.where())
    infra = as_bool(f.get("infrastructure_encryption_enabled"))
    f.set("encryption.at_rest", True, "storage is always encrypted with service-managed keys" + (
          "; infrastructure (double) encryption on" if infra is True else ""), "default", f.where())
    keys = f.attached(key) if key else []
    if keys:
        f.set("encryption.key_owner", "customer", f"{keys[0].address} sets a customer-managed key",
              where=f.where("", keys[0]))
    else:
        f.set("encryption.key_owner", "provider", "service-managed keys", "default", f.where())
    _server_logging(f, configs)
    _region(f)


# ------------------------------------------------------------------ flexible servers
@register("azurerm_postgresql_flexible_server", "sql_database")
def postgresql_flexible_server(f: Facts) -> None:
    f.set("port", 5432, "PostgreSQL listens on 5432", "default", f.where())
    _flexible(f, "azurerm_postgresql_flexible_server_configuration")


@register("azurerm_mysql_flexible_server", "sql_database")
def mysql_flexible_server(f: Facts) -> None:
    f.set("port", 3306, "MySQL listens on 3306", "default", f.where())
    _flexible(f, "azurerm_mysql_flexible_server_configuration")


def _flexible(f: Facts, configs: str) -> None:
    subnet = f.get("delegated_subnet_id")
    if subnet is not None:
        enabled = (False, "delegated_subnet_id is set: the server is reachable only inside its virtual network",
                   "explicit", f.where("delegated_subnet_id"))
    else:
        enabled = _flag_default(f, "public_network_access_enabled", True,
                                "no delegated_subnet_id: public access (default true)")
    _network(f, enabled)
    value, raw = _config(f, configs, "require_secure_transport")
    if raw is None:
        f.set("encryption.in_transit", True, "require_secure_transport is ON by default", "default", f.where())
    elif is_unknown(value):
        f.set("encryption.in_transit", value, "require_secure_transport not known before apply", where=f.where("value", raw))
    else:
        on = str(value).strip().lower() in ("on", "1", "true")
        f.set("encryption.in_transit", on, f"{raw.address} sets require_secure_transport = {value}" + (
              "" if on else ": clients may connect without TLS"), where=f.where("value", raw))
    f.set("authentication", True, PASSWORD, "default", f.where())
    f.set("encryption.at_rest", True, "storage is always encrypted", "default", f.where())
    cmk = f.get("customer_managed_key")
    f.set("encryption.key_owner", "customer" if cmk else "provider",
          "customer_managed_key names a Key Vault key" if cmk else "service-managed keys",
          "explicit" if cmk else "default", f.where("customer_managed_key") if cmk else f.where())
    _server_logging(f, configs)
    _region(f)


def _config(f: Facts, configs: str, name: str):
    for raw in f.attached(configs):
        if str(raw.attributes.get("name", "")).lower() == name:
            return raw.attributes.get("value"), raw
    return None, None


def _server_logging(f: Facts, configs: str) -> None:
    value, raw = _config(f, configs, "audit_log_enabled")
    if raw is not None and not is_unknown(value) and str(value).lower() in ("on", "1", "true"):
        f.set("access_logging", True, f"{raw.address} turns the audit log on", where=f.where("value", raw))
        return
    _diagnostics_or(f, "no diagnostic setting exports the server's logs: connections and queries leave no "
                    "lasting trace")


# ------------------------------------------------------------------ Cosmos DB
@register("azurerm_cosmosdb_account", "nosql_database")
def cosmosdb_account(f: Facts) -> None:
    f.set("public", False, "Cosmos DB never serves anonymous reads: every request needs a key or token",
          "default", f.where())
    enabled = _flag_default(f, "public_network_access_enabled", True)
    ip_filter = f.get("ip_range_filter")
    if isinstance(ip_filter, str):
        ip_filter = [p.strip() for p in ip_filter.split(",") if p.strip()]
    vnet = as_bool(f.get("is_virtual_network_filter_enabled"))
    if enabled[0] is False or is_unknown(enabled[0]):
        f.set("network.public_endpoint", enabled[0], enabled[1], enabled[2], enabled[3])
    elif is_unknown(ip_filter) or is_unknown(vnet):
        f.set("network.public_endpoint", ip_filter if is_unknown(ip_filter) else vnet,
              "network filters not known before apply", where=f.where("ip_range_filter"))
    elif any(p in ("0.0.0.0/0",) for p in ip_filter or []):
        f.set("network.public_endpoint", True, "ip_range_filter admits 0.0.0.0/0", where=f.where("ip_range_filter"))
    elif ip_filter or vnet is True:
        f.set("network.public_endpoint", False, "the account accepts only " + (
              f"the addresses in ip_range_filter ({', '.join(ip_filter)})" if ip_filter else
              "its virtual network rules"), where=f.where("ip_range_filter" if ip_filter else "is_virtual_network_filter_enabled"))
    else:
        f.set("network.public_endpoint", True, f"{enabled[1]} and no ip_range_filter or virtual network filter: "
              "any internet address can reach the endpoint (requests still need a key or token)", "derived", enabled[3])
    if isinstance(ip_filter, list) and "0.0.0.0" in ip_filter:
        f.set("network.azure_services", True, "ip_range_filter contains 0.0.0.0: any Azure datacenter address "
              "(any tenant) is admitted", where=f.where("ip_range_filter"))
    f.set("authentication", True, "every request needs an account key or an Entra ID token", "default", f.where())
    f.flag("authentication.shared_key", "local_authentication_disabled", true_when=lambda v: as_bool(v) is not True,
           default=True, default_reason="local_authentication_disabled not set (default false): account keys accepted",
           true_reason="local_authentication_disabled = {value}: account keys accepted",
           false_reason="local_authentication_disabled = {value}: Entra ID only")
    f.set("encryption.at_rest", True, "Cosmos DB always encrypts data at rest", "default", f.where())
    key = f.get("key_vault_key_id")
    f.set("encryption.key_owner", "customer" if key is not None else "provider",
          "key_vault_key_id names a customer-managed key" if key is not None else "service-managed keys",
          "explicit" if key is not None else "default", f.where("key_vault_key_id") if key is not None else f.where())
    tls = f.get("minimal_tls_version")
    if is_unknown(tls):
        f.set("encryption.in_transit", tls, "minimal_tls_version not known before apply", where=f.where("minimal_tls_version"))
    elif tls in ("Tls", "Tls11"):
        f.set("encryption.in_transit", False, f"minimal_tls_version = \"{tls}\": obsolete TLS accepted",
              where=f.where("minimal_tls_version"))
    else:
        f.set("encryption.in_transit", True, "Cosmos DB accepts TLS only" + (
              f" (minimal_tls_version = \"{tls}\")" if tls else " (minimal_tls_version default Tls12)"),
              "explicit" if tls else "default", f.where("minimal_tls_version") if tls else f.where())
    _diagnostics_or(f, "no diagnostic setting with log categories: data-plane requests leave no trace")
    _region(f)


# ------------------------------------------------------------------ Cache for Redis
@register("azurerm_redis_cache", "cache")
def redis_cache(f: Facts) -> None:
    attr = "non_ssl_port_enabled" if f.has("non_ssl_port_enabled") else "enable_non_ssl_port"
    non_ssl = as_bool(f.get(attr))
    f.set("port", 6379 if non_ssl is True else 6380,
          "non-TLS port 6379 enabled" if non_ssl is True else "TLS port 6380", "derived", f.where())
    subnet = f.get("subnet_id")
    if subnet is not None:
        enabled = (False, "subnet_id is set: the cache lives in a virtual network", "explicit", f.where("subnet_id"))
    else:
        enabled = _flag_default(f, "public_network_access_enabled", True)
    _network(f, enabled, no_rules_open=True)
    tls = f.get("minimum_tls_version")
    if non_ssl is True:
        f.set("encryption.in_transit", False, f"{attr} = true: port 6379 accepts plaintext connections",
              where=f.where(attr))
    elif is_unknown(non_ssl):
        f.set("encryption.in_transit", non_ssl, f"{attr} not known before apply", where=f.where(attr))
    elif is_unknown(tls):
        f.set("encryption.in_transit", tls, "minimum_tls_version not known before apply", where=f.where("minimum_tls_version"))
    elif tls is not None and str(tls) in ("1.0", "1.1"):
        f.set("encryption.in_transit", False, f"minimum_tls_version = \"{tls}\": obsolete TLS accepted",
              where=f.where("minimum_tls_version"))
    else:
        f.set("encryption.in_transit", True, "TLS only" + (
              f" (minimum_tls_version = \"{tls}\")" if tls is not None else
              " (non-TLS port off by default; Azure refuses TLS below 1.2 on new caches although the provider "
              "default for minimum_tls_version is \"1.0\")"),
              "explicit" if tls is not None else "default", f.where("minimum_tls_version") if tls is not None else f.where())
    auth = as_bool(f.get("redis_configuration.authentication_enabled"))
    if auth is False:
        f.set("authentication", False, "redis_configuration.authentication_enabled = false: no access key needed",
              where=f.where("redis_configuration.authentication_enabled"))
    elif is_unknown(auth):
        f.set("authentication", auth, "authentication_enabled not known before apply",
              where=f.where("redis_configuration.authentication_enabled"))
    else:
        f.set("authentication", True, "clients need an access key or Entra ID token (authentication_enabled "
              "default true)", "default" if auth is None else "explicit", f.where())
    _diagnostics_or(f, "no diagnostic setting with log categories: connections leave no trace")
    _region(f)


# ------------------------------------------------------------------ shared
def _flag_default(f: Facts, attr: str, default: bool, default_reason: str = ""):
    """(value, reason, source, where) of a boolean argument with a provider default."""
    value = as_bool(f.get(attr))
    if value is None:
        return (default, default_reason or f"{attr} not set (default {str(default).lower()})", "default", f.where())
    if is_unknown(value):
        return (value, f"{attr} not known before apply", "explicit", f.where(attr))
    return (value, f"{attr} = {str(value).lower()}", "explicit", f.where(attr))


def _network(f: Facts, enabled, no_rules_open: bool = False) -> None:
    """Facets public, network.public_endpoint and network.azure_services from the public-access
    setting and the firewall rules attached to the server."""
    value, reason, source, where = enabled
    rules = [r for t in FIREWALL_RULES for r in f.attached(t)]
    internet, azure, unknown = [], [], []
    for raw in rules:
        verdict = _span(*_range(raw))
        if verdict == "internet":
            internet.append(raw)
        elif verdict == "azure":
            azure.append(raw)
        elif is_unknown(verdict):
            unknown.append(raw)
    # The allowlist itself, whether or not public access is on (PDG181 reports a dormant one).
    if internet:
        f.set("allowlist.internet", True, f"{internet[0].address} admits "
              f"{_show_range(internet[0])}",
              where=f.where(_attr(internet[0], "start_ip_address"), internet[0]))
    elif unknown:
        f.set("allowlist.internet", Unknown("firewall rule addresses not known"),
              f"the addresses of {unknown[0].address} are not known before apply",
              where=f.where(_attr(unknown[0], "start_ip_address"), unknown[0]))
    elif rules or not no_rules_open:
        f.set("allowlist.internet", False, "no firewall rule in the files spans the internet", "derived", f.where())
    if value is False or is_unknown(value):
        f.set("network.public_endpoint", value, reason, source, where)
        f.set("public", value, reason, source, where)
        return
    if azure:
        firewall = (f"; {azure[0].address} (0.0.0.0–0.0.0.0) already admits any Azure resource, in any tenant")
    elif not rules:
        firewall = "; no firewall rule in the files admits anyone yet" if not no_rules_open else \
            "; no firewall rule: every address is admitted"
    else:
        firewall = f"; {len(rules)} firewall rule(s) in the files"
    f.set("network.public_endpoint", True, f"{reason}: the server listens on the internet and only firewall "
          f"rules decide who connects{firewall}", source, where)
    if azure:
        f.set("network.azure_services", True, f"{azure[0].address} (0.0.0.0–0.0.0.0) admits any Azure "
              "resource, in any tenant", where=f.where(_attr(azure[0], "start_ip_address"), azure[0]))
    if internet:
        raw = internet[0]
        f.set("public", True, f"{reason}, and {raw.address} admits {_show_range(raw)}: anyone on the internet "
              "can reach the login", "derived", f.where(_attr(raw, "start_ip_address"), raw))
    elif unknown:
        f.set("public", Unknown("firewall rule addresses not known"), f"{reason}; the addresses of "
              f"{unknown[0].address} are not known before apply", where=f.where(_attr(unknown[0], "start_ip_address"), unknown[0]))
    elif no_rules_open and not rules:
        f.set("public", True, f"{reason} and no firewall rule: every internet address can connect "
              "(clients still need an access key)", "derived", where)
    else:
        extra = " (only Azure services)" if azure else ""
        f.set("public", False, f"{reason}, but no firewall rule in the files admits the internet{extra}",
              "derived", where)


def _range(raw) -> tuple:
    """(start, end) of a firewall rule: start_ip_address/end_ip_address, or start_ip/end_ip (Redis)."""
    a = raw.attributes
    return (a.get("start_ip_address", a.get("start_ip")), a.get("end_ip_address", a.get("end_ip")))


def _show_range(raw) -> str:
    start, end = _range(raw)
    return f"{start}–{end}"


def _attr(raw, name: str) -> str:
    return name if name in raw.attributes else name.replace("_address", "")


def _span(start: Any, end: Any) -> Any:
    """"internet" (a range of at least half the IPv4 space), "azure" (0.0.0.0–0.0.0.0), None, or Unknown."""
    if is_unknown(start) or is_unknown(end):
        return start if is_unknown(start) else end
    try:
        low, high = int(ipaddress.IPv4Address(str(start))), int(ipaddress.IPv4Address(str(end)))
    except ValueError:
        return None
    if low == high == 0:
        return "azure"
    return "internet" if high - low + 1 >= HALF_INTERNET else None


def _diagnostics_or(f: Facts, reason: str) -> None:
    verdict = diagnostic_logs(f)
    if verdict is None:
        f.set("access_logging", False, reason, "default", f.where())
    else:
        f.set("access_logging", verdict[0], verdict[1], where=verdict[2])


def _region(f: Facts) -> None:
    location = f.get("location")
    if location is not None:
        f.set("region", location, "location not known before apply" if is_unknown(location) else
              f"location = {location}", where=f.where("location"))


# ------------------------------------------------------------------ Data Lake Storage Gen1, managed disks
@register("azurerm_data_lake_store", "file_storage")
def data_lake_store(f: Facts) -> None:
    """Data Lake Storage Gen1 (retired 2024; still in older files). encryption_state defaults to
    "Enabled", firewall_state to "Enabled" (deny except firewall rules)."""
    f.flag("encryption.at_rest", "encryption_state", true_when=lambda v: str(v) == "Enabled", default=True,
           default_reason="encryption_state not set (default \"Enabled\")",
           true_reason="encryption_state = {value}",
           false_reason="encryption_state = {value}: the data is stored unencrypted")
    key_type = f.get("encryption_type")
    if f.facets["encryption.at_rest"].value is True:
        customer = key_type == "UserManaged"
        f.set("encryption.key_owner", "customer" if customer else "provider",
              "encryption_type = \"UserManaged\" (Key Vault key)" if customer else "service-managed keys",
              "explicit" if key_type is not None else "default", f.where("encryption_type") if key_type else f.where())
    f.flag("network.public_endpoint", "firewall_state", true_when=lambda v: str(v) == "Disabled", default=False,
           default_reason="firewall_state not set (default \"Enabled\"): only firewall rules are admitted",
           true_reason="firewall_state = {value}: any internet address can reach the account (requests still "
                       "need an Entra ID token)",
           false_reason="firewall_state = {value}")
    f.set("public", False, "Data Lake Storage never serves anonymous reads", "default", f.where())
    f.set("authentication", True, "every request needs an Entra ID token", "default", f.where())
    f.set("encryption.in_transit", True, "Data Lake Storage accepts HTTPS only", "default", f.where())
    _region(f)


@register("azurerm_managed_disk", "block_storage")
def managed_disk(f: Facts) -> None:
    """Managed disks are always encrypted by the platform (server-side encryption with
    platform-managed keys). `encryption_settings` is Azure Disk Encryption, a second layer inside
    the guest OS: turning it off leaves the platform encryption in place."""
    ade = as_bool(f.get("encryption_settings.enabled"))
    extra = "; Azure Disk Encryption (in the guest) is also on" if ade is True else (
        "; encryption_settings.enabled = false only turns off the extra in-guest Azure Disk Encryption"
        if ade is False else "")
    f.set("encryption.at_rest", True, "managed disks are always encrypted by the platform (SSE)" + extra,
          "default", f.where("encryption_settings") if ade is not None else f.where())
    des = f.get("disk_encryption_set_id")
    if des is None and ade is True:
        # Azure Disk Encryption keeps the volume key as a secret in the customer's Key Vault
        # (disk_encryption_key.secret_url / source_vault_id): a key the customer controls.
        f.set("encryption.key_owner", "customer", "Azure Disk Encryption is on: the disk key is kept in "
              "the customer's Key Vault", where=f.where("encryption_settings"))
    else:
        f.set("encryption.key_owner", "customer" if des is not None else "provider",
              "disk_encryption_set_id names a customer-managed key" if des is not None else "platform-managed keys",
              "explicit" if des is not None else "default",
              f.where("disk_encryption_set_id") if des is not None else f.where())
