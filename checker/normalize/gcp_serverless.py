"""Google Cloud Run services and Cloud Functions: who may call them, from where, over what.

Provider defaults (google provider v5/v6), as read here:
- Calling a Cloud Run service or a Cloud Function requires the invoker permission
  (roles/run.invoker, roles/cloudfunctions.invoker) unless IAM grants it to `allUsers` or
  `allAuthenticatedUsers` (any Google account); both are treated as "no authentication". The
  grant arrives through google_cloud_run_service_iam_member/_binding/_policy,
  google_cloud_run_v2_service_iam_*, google_cloudfunctions_function_iam_*,
  google_cloudfunctions2_function_iam_*.
- Ingress: Cloud Run v1 annotation `run.googleapis.com/ingress` and v2 `ingress` default to all
  traffic (INGRESS_TRAFFIC_ALL); Cloud Functions `ingress_settings` defaults to ALLOW_ALL.
  Facet public = reachable from the internet and callable without authentication.
- Cloud Run serves HTTPS only (*.run.app redirects HTTP). Cloud Functions (1st gen)
  `https_trigger_security_level` unspecified is SECURE_OPTIONAL in the API: plain HTTP is
  served too; SECURE_ALWAYS redirects to HTTPS.
"""
from __future__ import annotations

from ..values import is_unknown
from .base import Facts, attach, register
from .gcp import public_iam_grant

RUN_INVOKE_ROLES = ("roles/run.invoker", "roles/run.servicesInvoker", "roles/run.admin", "roles/owner",
                    "roles/editor")
FUNCTION_INVOKE_ROLES = ("roles/cloudfunctions.invoker", "roles/cloudfunctions.admin",
                         "roles/cloudfunctions.developer", "roles/run.invoker", "roles/owner", "roles/editor")

RUN_V1 = ("google_cloud_run_service",)
RUN_V2 = ("google_cloud_run_v2_service",)
for _suffix in ("member", "binding", "policy"):
    attach(f"google_cloud_run_service_iam_{_suffix}", RUN_V1, ("service",), ("name", "id"))
    attach(f"google_cloud_run_v2_service_iam_{_suffix}", RUN_V2, ("name",), ("name", "id"))
    attach(f"google_cloudfunctions_function_iam_{_suffix}", ("google_cloudfunctions_function",),
           ("cloud_function",), ("name", "id"))
    attach(f"google_cloudfunctions2_function_iam_{_suffix}", ("google_cloudfunctions2_function",),
           ("cloud_function",), ("name", "id"))

INTERNAL_INGRESS = ("internal", "internal-and-cloud-load-balancing", "INGRESS_TRAFFIC_INTERNAL_ONLY",
                    "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER", "ALLOW_INTERNAL_ONLY", "ALLOW_INTERNAL_AND_GCLB")


@register("google_cloud_run_service", "web_app")
def cloud_run_v1(f: Facts) -> None:
    ingress_path = "metadata.annotations"
    annotations = f.get(ingress_path)
    ingress = (annotations if is_unknown(annotations) else
               (annotations or {}).get("run.googleapis.com/ingress") if isinstance(annotations, dict) else None)
    _invoker(f, "google_cloud_run_service", RUN_INVOKE_ROLES, "roles/run.invoker")
    _public(f, ingress, ingress_path, "run.googleapis.com/ingress not set (default all)")
    f.set("encryption.in_transit", True, "Cloud Run serves HTTPS only", "default", f.where())


@register("google_cloud_run_v2_service", "web_app")
def cloud_run_v2(f: Facts) -> None:
    _invoker(f, "google_cloud_run_v2_service", RUN_INVOKE_ROLES, "roles/run.invoker")
    _public(f, f.get("ingress"), "ingress", "ingress not set (default INGRESS_TRAFFIC_ALL)")
    f.set("encryption.in_transit", True, "Cloud Run serves HTTPS only", "default", f.where())


@register("google_cloudfunctions_function", "web_app")
def cloud_function(f: Facts) -> None:
    _invoker(f, "google_cloudfunctions_function", FUNCTION_INVOKE_ROLES, "roles/cloudfunctions.invoker")
    _public(f, f.get("ingress_settings"), "ingress_settings", "ingress_settings not set (default ALLOW_ALL)")
    if f.get("trigger_http") is True or f.has("https_trigger_url"):
        f.flag("encryption.in_transit", "https_trigger_security_level",
               true_when=lambda v: str(v).upper() == "SECURE_ALWAYS", default=False,
               default_reason="https_trigger_security_level not set (SECURE_OPTIONAL in the API): the function "
                              "also answers plain HTTP",
               true_reason='https_trigger_security_level = "SECURE_ALWAYS"',
               false_reason="https_trigger_security_level = {value}: the function also answers plain HTTP")


@register("google_cloudfunctions2_function", "web_app")
def cloud_function_v2(f: Facts) -> None:
    _invoker(f, "google_cloudfunctions2_function", FUNCTION_INVOKE_ROLES, "roles/cloudfunctions.invoker")
    _public(f, f.get("service_config.ingress_settings"), "service_config.ingress_settings",
            "ingress_settings not set (default ALLOW_ALL)")
    f.set("encryption.in_transit", True, "2nd gen functions are served by Cloud Run over HTTPS only",
          "default", f.where())


def _invoker(f: Facts, parent: str, roles: tuple, role_name: str) -> None:
    found = public_iam_grant(f, (f"{parent}_iam_member", f"{parent}_iam_binding"), (f"{parent}_iam_policy",),
                             roles)
    if found is None:
        f.set("authentication", True, f"no IAM grant of {role_name} to allUsers/allAuthenticatedUsers: callers "
              "need the invoker permission (default)", "default", f.where())
    elif is_unknown(found[0]):
        f.set("authentication", found[0], found[1], where=found[2])
    else:
        f.set("authentication", False, f"{found[1]}: anyone can call it", "derived", found[2])


def _public(f: Facts, ingress, path: str, default_reason: str) -> None:
    auth = f.facets["authentication"]
    if is_unknown(ingress):
        internet = ingress
        reason = f"{path} not known before apply"
    elif ingress is None:
        internet, reason = True, default_reason
    else:
        internet = str(ingress) not in INTERNAL_INGRESS
        reason = f"ingress {ingress}"
    if internet is False:
        f.set("public", False, f"{reason}: not reachable from the internet", where=f.where(path))
    elif auth.value is True:
        f.set("public", False, f"{reason}, but callers must be authorized", "derived", f.where())
    elif is_unknown(internet) or is_unknown(auth.value):
        f.set("public", internet if is_unknown(internet) else auth.value, f"{reason}; {auth.reason}",
              where=auth.where)
    else:
        f.set("public", True, f"{reason} and {auth.reason}", "derived", auth.where)
