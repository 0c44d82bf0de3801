"""Google Cloud, Alibaba Cloud OSS and OCI normalizers: facets the fixtures do not show."""
from __future__ import annotations

import json
import textwrap
from pathlib import Path

from checker.normalize import normalize
from checker.terraform.loader import load_terraform
from checker.values import PartialJSON, is_unknown


def load(root: Path, text: str):
    (root / "main.tf").write_text(textwrap.dedent(text))
    result = load_terraform([root], {root}, root)
    assert not result.errors, result.errors
    return result.resources


def resources(root: Path, text: str) -> dict:
    return {r.address: r for r in normalize(load(root, text))}


def test_google_iam_policy_renders_policy_data(tmp_path):
    raws = {r.address: r for r in load(tmp_path, """
        resource "google_service_account" "sa" { account_id = "reader" }
        data "google_iam_policy" "known" {
          binding {
            role    = "roles/storage.objectViewer"
            members = ["user:b@example.com", "allUsers"]
          }
        }
        data "google_iam_policy" "partial" {
          binding {
            role    = "roles/storage.objectViewer"
            members = ["serviceAccount:${google_service_account.sa.email}"]
          }
          binding {
            role    = "roles/storage.legacyBucketReader"
            members = ["allAuthenticatedUsers"]
          }
        }
        resource "google_storage_bucket_iam_policy" "p1" {
          bucket      = "b1"
          policy_data = data.google_iam_policy.known.policy_data
        }
        resource "google_storage_bucket_iam_policy" "p2" {
          bucket      = "b2"
          policy_data = data.google_iam_policy.partial.policy_data
        }
    """)}
    known = json.loads(raws["google_storage_bucket_iam_policy.p1"].attributes["policy_data"])
    assert known == {"bindings": [{"members": ["allUsers", "user:b@example.com"],
                                   "role": "roles/storage.objectViewer"}]}
    partial = raws["google_storage_bucket_iam_policy.p2"].attributes["policy_data"]
    assert isinstance(partial, PartialJSON)
    assert partial.document["bindings"][1]["members"] == ["allAuthenticatedUsers"]


def test_cloud_sql_port_key_and_unknown_network(tmp_path):
    res = resources(tmp_path, """
        variable "cidr" { type = string }
        resource "google_sql_database_instance" "pg" {
          database_version    = "POSTGRES_15"
          encryption_key_name = "projects/p/locations/l/keyRings/k/cryptoKeys/c"
          settings {
            tier = "db-f1-micro"
            ip_configuration {
              authorized_networks { value = var.cidr }
            }
          }
        }
        resource "google_sql_database_instance" "ms" {
          database_version = "SQLSERVER_2019_STANDARD"
          settings { tier = "db-custom-2-7680" }
        }
    """)
    pg, ms = res["google_sql_database_instance.pg"], res["google_sql_database_instance.ms"]
    assert pg.facets["port"].value == 5432 and ms.facets["port"].value == 1433
    assert pg.facets["encryption.key_owner"].value == "customer"
    assert ms.facets["encryption.key_owner"].value == "provider"
    assert ms.facets["encryption.at_rest"].value is True
    assert is_unknown(pg.facets["public"].value)
    assert ms.facets["public"].value is False        # public IP, but no authorized network
    assert ms.facets["encryption.in_transit"].source == "default"


def test_firewall_rules_are_ingress_rules(tmp_path):
    res = resources(tmp_path, """
        resource "google_compute_firewall" "fw" {
          name          = "fw"
          network       = "default"
          source_ranges = ["0.0.0.0/0", "10.0.0.0/8"]
          allow {
            protocol = "tcp"
            ports    = ["22", "8000-8100"]
          }
          allow {
            protocol = "udp"
          }
        }
    """)
    fw = res["google_compute_firewall.fw"]
    assert fw.kind == "security_group"
    rules = fw.facets["ingress.rules"].value
    assert len(rules) == 6            # 2 sources x (2 tcp ranges + 1 udp)
    internet = [r for r in rules if r.from_internet is True]
    assert [r.covers(22) for r in internet] == [True, False, False]
    assert internet[1].covers(8080) is True
    assert (internet[2].protocol, internet[2].from_port, internet[2].to_port) == ("udp", 0, 65535)


def test_cloud_run_public_needs_open_ingress_and_public_invoker(tmp_path):
    res = resources(tmp_path, """
        resource "google_cloud_run_service" "internal" {
          name     = "internal"
          location = "asia-east2"
          metadata {
            annotations = { "run.googleapis.com/ingress" = "internal" }
          }
        }
        resource "google_cloud_run_service_iam_member" "internal" {
          service = google_cloud_run_service.internal.name
          role    = "roles/run.invoker"
          member  = "allUsers"
        }
    """)
    run = res["google_cloud_run_service.internal"]
    assert run.kind == "web_app"
    assert run.facets["authentication"].value is False
    assert run.facets["public"].value is False


def test_bucket_acl_with_unknown_ubla_is_unknown(tmp_path):
    res = resources(tmp_path, """
        variable "ubla" { type = bool }
        resource "google_storage_bucket" "b" {
          name                        = "b"
          location                    = "EU"
          uniform_bucket_level_access = var.ubla
        }
        resource "google_storage_bucket_acl" "b" {
          bucket         = google_storage_bucket.b.name
          predefined_acl = "publicRead"
        }
    """)
    assert is_unknown(res["google_storage_bucket.b"].facets["public"].value)


def test_gke_google_public_cidrs_count_as_public(tmp_path):
    res = resources(tmp_path, """
        resource "google_container_cluster" "c" {
          name = "c"
          master_authorized_networks_config {
            gcp_public_cidrs_access_enabled = true
          }
        }
    """)
    assert res["google_container_cluster.c"].facets["public"].value is True


def test_dataset_iam_member_attaches_by_literal_dataset_id(tmp_path):
    res = resources(tmp_path, """
        resource "google_bigquery_dataset" "d" {
          dataset_id = "customer_data"
        }
        resource "google_bigquery_dataset_iam_member" "m" {
          dataset_id = "customer_data"
          role       = "roles/bigquery.dataViewer"
          member     = "allAuthenticatedUsers"
        }
    """)
    assert "google_bigquery_dataset_iam_member.m" not in res
    assert res["google_bigquery_dataset.d"].facets["public"].value is True
