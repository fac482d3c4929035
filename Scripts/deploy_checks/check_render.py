"""What the chart renders for non-default values, checked object by object.

Each case renders the chart through Helm (render_chart.py) with one values file from
values/, asserts what that file must change, and validates every rendered object
against the Kubernetes schemas (kubernetes-validate, strict, oldest and newest version).
A case whose values Helm must refuse asserts the refusal and its reason.
"""

from __future__ import annotations

import os
import sys

import kubernetes_validate
import yaml

from render_chart import NAMESPACE, RenderError, render
from write_manifests import CHART

HERE = os.path.dirname(os.path.abspath(__file__))
KUBERNETES_VERSIONS = ("1.25.0", "1.37.0")


def values(name: str) -> dict:
    with open(os.path.join(HERE, "values", name)) as file:
        return yaml.safe_load(file) or {}


def by_kind(objects: list[dict]) -> dict[str, list[dict]]:
    kinds: dict[str, list[dict]] = {}
    for obj in objects:
        kinds.setdefault(obj["kind"], []).append(obj)
    return kinds


def container(kinds: dict) -> dict:
    return kinds["Deployment"][0]["spec"]["template"]["spec"]["containers"][0]


def resources_of(rules: list[dict]) -> set[str]:
    return {resource for rule in rules for resource in rule["resources"]}


def check_default(kinds: dict, notes: str) -> list[str]:
    c = container(kinds)
    security = c["securityContext"]
    deployment = kinds["Deployment"][0]["spec"]
    expectations = [
        (deployment.get("replicas") == 2, "Deployment must run 2 replicas"),
        ("--publish-service=sluice/sluice" in c["args"], "--publish-service must name the Service"),
        ("--access-log" in c["args"], "requests are logged by default, as with ingress-nginx"),
        ("--allow-unsupported-security-annotations" not in c["args"],
         "routes guarded by unsupported ingress-nginx annotations fail closed by default"),
        (c["livenessProbe"]["httpGet"]["path"] == "/healthz", "liveness must probe /healthz"),
        (c["readinessProbe"]["httpGet"]["path"] == "/readyz", "readiness must probe /readyz"),
        (security.get("readOnlyRootFilesystem") is True and security.get("runAsNonRoot") is True
         and security.get("allowPrivilegeEscalation") is False
         and security.get("capabilities") == {"drop": ["ALL"]}
         and security.get("seccompProfile") == {"type": "RuntimeDefault"},
         "container securityContext must be locked down"),
        (deployment["template"]["spec"]["terminationGracePeriodSeconds"] > 60,
         "termination grace must exceed the 60s stream drain"),
        ({e["name"] for e in c["env"]} >= {"POD_NAME", "POD_NAMESPACE"}, "POD_NAME/POD_NAMESPACE missing"),
        (kinds["IngressClass"][0]["spec"]["controller"] == "sluice.io/ingress-controller",
         "IngressClass must name sluice.io/ingress-controller"),
        ("PodDisruptionBudget" in kinds, "a PDB is expected with 2 replicas"),
        ("HorizontalPodAutoscaler" not in kinds, "no HPA expected"),
        ("sse-paths" in notes and "loadBalancer.ingress" in notes,
         "NOTES.txt must show how to find the address and annotate for SSE"),
        ([(p["name"], p["port"], p["targetPort"]) for p in kinds["Service"][0]["spec"]["ports"]]
         == [("http", 80, "http"), ("https", 443, "https")],
         "the Service must expose HTTPS by default: port 443 to the container's https port"),
        (not {"ServiceMonitor", "PrometheusRule"} & set(kinds) and len(kinds["Service"]) == 1
         and "ConfigMap" not in kinds,
         "monitoring objects (metrics Service, ServiceMonitor, PrometheusRule, dashboard) are off by default"),
        (not any(a.startswith(("--hsts", "--no-hsts", "--https-redirect-port", "--trusted-proxy-cidrs", "--proxy-protocol",
                               "--max-connections", "--hide-headers", "--pass-server-header"))
                 for a in c["args"]),
         "HSTS, the redirect port, trusted proxies, the PROXY protocol, the connection cap and hidden fields at their defaults must render no flags"),
        ({"name": "https", "containerPort": 8443, "protocol": "TCP"} in c["ports"]
         and "--https-port=8443" in c["args"],
         "the container must listen for HTTPS on 8443 (--https-port) and declare the port"),
    ]
    return [message for holds, message in expectations if not holds]


def check_non_default(kinds: dict, notes: str) -> list[str]:
    problems = []
    cluster_role = kinds["ClusterRole"][0]
    if resources_of(cluster_role["rules"]) != {"ingressclasses"}:
        problems.append("watchNamespace: ClusterRole must keep only ingressclasses")
    roles = {(r["metadata"]["namespace"], r["metadata"]["name"]): r for r in kinds.get("Role", [])}
    watched = roles.get(("team-a", "sluice"))
    if not watched or resources_of(watched["rules"]) != {"ingresses", "ingresses/status", "services", "secrets",
                                                          "endpointslices", "events"}:
        problems.append("watchNamespace: Role in team-a must hold the namespaced rules")
    bindings = {(b["metadata"]["namespace"], b["metadata"]["name"]) for b in kinds.get("RoleBinding", [])}
    if ("team-a", "sluice") not in bindings or (NAMESPACE, "sluice-leader-election") not in bindings:
        problems.append("watchNamespace: RoleBindings for team-a and the lease are both needed")
    certificate = roles.get((NAMESPACE, "sluice-default-certificate"))
    if (not certificate or resources_of(certificate["rules"]) != {"secrets"}
            or (NAMESPACE, "sluice-default-certificate") not in bindings):
        problems.append("defaultSSLCertificate outside the watched namespace: a Role and RoleBinding there to read Secrets")
    lease = roles.get((NAMESPACE, "sluice-leader-election"))
    if not lease or ["sluice-team-a"] not in [rule.get("resourceNames") for rule in lease["rules"]]:
        problems.append("electionID: the lease Role must name the Lease sluice-team-a")
    if "PodDisruptionBudget" in kinds:
        problems.append("podDisruptionBudget.enabled=false must drop the PDB")
    service = kinds["Service"][0]["spec"]
    if service["type"] != "ClusterIP" or "externalTrafficPolicy" in service:
        problems.append("service.type=ClusterIP must render a ClusterIP Service without externalTrafficPolicy")
    if [p["name"] for p in service["ports"]] != ["http"]:
        problems.append("service.https.enabled=false must leave the https port out of the Service")
    c = container(kinds)
    if "--https-port=8443" not in c["args"] or "https" not in {p["name"] for p in c["ports"]}:
        problems.append("service.https.enabled=false must not stop the pod's HTTPS listener (--https-port, port https)")
    args = c["args"]
    for flag in ("--watch-namespace=team-a", "--ingress-class=sluice-team-a", "--shutdown-grace-period=300s",
                 "--log-level=debug", "--allow-unsupported-security-annotations", "--some-future-flag=1",
                 f"--default-ssl-certificate={NAMESPACE}/fallback-tls", "--hsts-max-age=600",
                 "--no-hsts-include-subdomains", "--hsts-preload", "--https-redirect-port=8443",
                 "--trusted-proxy-cidrs=10.0.0.0/8,2001:db8::/32", "--proxy-protocol", "--max-connections=50000",
                 "--hide-headers=X-Powered-By,X-AspNet-Version", "--pass-server-header"):
        if flag not in args:
            problems.append(f"args must contain {flag}")
    if "--no-hsts" in args:
        problems.append("controller.hsts.enabled (default true) must not render --no-hsts")
    if "--access-log" in args:
        problems.append("controller.accessLog=false must drop --access-log")
    if args[-1] != "--some-future-flag=1":
        problems.append("extraArgs must come last, so they can override")
    ingress_class = kinds["IngressClass"][0]["metadata"]
    if ingress_class.get("annotations", {}).get("ingressclass.kubernetes.io/is-default-class") != "true":
        problems.append("ingressClass.default must annotate the IngressClass")
    if "team-a" not in notes or "port-forward" not in notes:
        problems.append("NOTES.txt must mention the watched namespace and port-forward for ClusterIP")
    return problems


def check_autoscaling(kinds: dict, notes: str) -> list[str]:
    problems = []
    if "replicas" in kinds["Deployment"][0]["spec"]:
        problems.append("autoscaling: the Deployment must leave replicas to the HPA")
    hpa = kinds.get("HorizontalPodAutoscaler", [{}])[0].get("spec", {})
    if hpa.get("minReplicas") != 3 or len(hpa.get("metrics", [])) != 2:
        problems.append("autoscaling: HPA with minReplicas 3 and cpu+memory metrics expected")
    if "PodDisruptionBudget" not in kinds:
        problems.append("autoscaling: minReplicas 3 still needs a PDB")
    service = kinds["Service"][0]["spec"]
    if service.get("externalTrafficPolicy") != "Local" or service["ports"][0].get("nodePort") != 30080:
        problems.append("NodePort Service must carry externalTrafficPolicy and the fixed nodePort")
    https = [p for p in service["ports"] if p["name"] == "https"]
    c = container(kinds)
    if (not https or https[0].get("nodePort") != 30443 or "https" not in {p["name"] for p in c["ports"]}
            or "--https-port=8443" not in c["args"]):
        problems.append("NodePort Service must expose the https port with its fixed nodePort")
    hsts = [a for a in c["args"] if a.startswith(("--hsts", "--no-hsts"))]
    if hsts != ["--no-hsts"]:
        problems.append(f"controller.hsts.enabled=false must render --no-hsts and no other HSTS flag, not {hsts}")
    if "--https-redirect-port=30443" not in c["args"]:
        problems.append("controller.httpsRedirectPort must render --https-redirect-port=30443")
    return problems


def check_metrics(kinds: dict, notes: str) -> list[str]:
    problems = []
    services = {s["metadata"]["name"]: s for s in kinds["Service"]}
    metrics = services.get("sluice-metrics", {}).get("spec", {})
    if (metrics.get("type") != "ClusterIP"
            or [(p["name"], p["port"], p["targetPort"]) for p in metrics.get("ports", [])] != [("metrics", 9100, "admin")]):
        problems.append("metrics Service: ClusterIP, port metrics 9100 to the pods' admin port")
    if metrics.get("selector") != kinds["Deployment"][0]["spec"]["selector"]["matchLabels"]:
        problems.append("metrics Service must select the controller pods")
    if "admin" in {p["targetPort"] for p in services["sluice"]["spec"]["ports"]}:
        problems.append("the Service clients use must not expose the admin port")
    monitor = kinds.get("ServiceMonitor", [{}])[0]
    endpoints = monitor.get("spec", {}).get("endpoints", [{}])
    selected = monitor.get("spec", {}).get("selector", {}).get("matchLabels", {})
    if (monitor.get("apiVersion") != "monitoring.coreos.com/v1" or monitor["metadata"].get("namespace") != "monitoring"
            or monitor["metadata"]["labels"].get("release") != "kube-prometheus-stack"):
        problems.append("ServiceMonitor: monitoring.coreos.com/v1 in metrics.serviceMonitor.namespace with its labels")
    if not selected or any(services["sluice-metrics"]["metadata"]["labels"].get(k) != v for k, v in selected.items()):
        problems.append("ServiceMonitor must select the metrics Service by its labels")
    if any(services["sluice"]["metadata"]["labels"].get(k) == v for k, v in selected.items()
           if k == "app.kubernetes.io/component"):
        problems.append("ServiceMonitor must not select the Service clients use")
    if monitor.get("spec", {}).get("namespaceSelector") != {"matchNames": [NAMESPACE]}:
        problems.append("ServiceMonitor in another namespace must look in the release namespace")
    if (len(endpoints) != 1 or endpoints[0].get("port") != "metrics" or endpoints[0].get("path") != "/metrics"
            or endpoints[0].get("interval") != "15s" or endpoints[0].get("honorLabels") is not True
            or len(endpoints[0].get("metricRelabelings", [])) != 1):
        problems.append("ServiceMonitor endpoint: port metrics, /metrics, interval 15s, honorLabels, metricRelabelings")
    rule = kinds.get("PrometheusRule", [{}])[0]
    alerts = [r for g in rule.get("spec", {}).get("groups", []) for r in g["rules"] if "alert" in r]
    if rule.get("metadata", {}).get("labels", {}).get("release") != "kube-prometheus-stack" or not alerts:
        problems.append("PrometheusRule with its labels and alerts expected")
    if any(a["labels"].get("team") != "platform" or not a["labels"].get("severity") for a in alerts):
        problems.append("every alert must carry severity and additionalAlertLabels")
    slow = [a for a in alerts if a["alert"] == "SluiceStreamFirstEventSlow"]
    if not slow or not slow[0]["expr"].rstrip().endswith("> 2.5"):
        problems.append("metrics.prometheusRule.firstEventSlow.thresholdSeconds must set the alert's threshold")
    dashboards = [c for c in kinds.get("ConfigMap", []) if c["metadata"]["name"] == "sluice-dashboard"]
    if (not dashboards or dashboards[0]["metadata"]["namespace"] != "grafana"
            or dashboards[0]["metadata"]["labels"].get("grafana_dashboard") != "1"
            or dashboards[0]["metadata"].get("annotations") != {"grafana_folder": "Ingress"}
            or list(dashboards[0]["data"]) != ["sluice.json"]):
        problems.append("dashboard ConfigMap in metrics.dashboard.namespace with the sidecar label, annotations, sluice.json")
    return problems


CASES = [
    ("default values", None, check_default),
    ("non-default.yaml", "non-default.yaml", check_non_default),
    ("autoscaling.yaml", "autoscaling.yaml", check_autoscaling),
    ("metrics.yaml", "metrics.yaml", check_metrics),
]

# The Prometheus Operator's kinds: no schema in kubernetes-validate (promtool checks the rules).
OPERATOR_API = "monitoring.coreos.com/v1"

REFUSED = [
    ("wrong-type.yaml", "wrong-type.yaml", "replicaCount"),
    ("short-grace.yaml", "short-grace.yaml", "terminationGracePeriodSeconds"),
]


def schema_problems(objects: list[dict]) -> list[str]:
    problems = []
    for obj in objects:
        if obj["apiVersion"] == OPERATOR_API:
            continue
        for version in KUBERNETES_VERSIONS:
            try:
                kubernetes_validate.validate(obj, version, strict=True)
            except kubernetes_validate.ValidationError as error:
                problems.append(f"{obj['kind']}/{obj['metadata']['name']} invalid for {version}: {error.message}")
    return problems


def main() -> int:
    failed = 0
    for label, file, check in CASES:
        try:
            rendered = render(CHART, values(file) if file else None)
        except RenderError as error:
            print(f"  FAIL {label}: Helm refused it: {error}")
            failed += 1
            continue
        objects = rendered.objects
        problems = check(by_kind(objects), rendered.notes) + schema_problems(objects)
        print(f"  {'FAIL' if problems else 'ok  '} {label}: {len(objects)} objects"
              + "".join(f"\n      - {p}" for p in problems))
        failed += bool(problems)
    for label, file, reason in REFUSED:
        try:
            render(CHART, values(file))
            print(f"  FAIL {label}: Helm rendered it, but must refuse it")
            failed += 1
        except RenderError as error:
            message = str(error).splitlines()[0][:160]
            ok = reason in str(error)
            print(f"  {'ok  ' if ok else 'FAIL'} {label}: refused ({message})")
            failed += not ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
