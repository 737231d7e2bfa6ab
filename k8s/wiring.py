"""Checks a rendered overlay against the call graph of DESIGN.md sections 2 and 3.

Schema validation says each object is well formed; this says the objects fit together: every
Deployment runs its own service, probes that service's gRPC health name, reaches each peer through
a RESUMAX_<SVC>_ENDPOINT that names an existing Service, and the NetworkPolicies allow exactly the
gRPC edges the endpoints imply (no more), plus NATS for every service and PostgreSQL only for the
table owners. Usage: python wiring.py RENDERED.yaml; prints one line per problem, exits 1 on any.
"""

import sys

import yaml

SERVICES = ["gateway", "parsing", "optimization", "scoring", "export"]
HEALTH_NAMES = {
    "gateway": "resumax.gateway.v1.GatewayService",
    "parsing": "resumax.parsing.v1.ParsingService",
    "optimization": "resumax.optimization.v1.OptimizationService",
    "scoring": "resumax.scoring.v1.ScoringService",
    "export": "resumax.export.v1.ExportService",
}
# Who calls whom over gRPC (services/resumax/src/node.rs builds exactly these clients).
CALLS = {
    "gateway": {"parsing", "optimization", "export"},
    "optimization": {"parsing", "scoring", "export"},
}
TABLE_OWNERS = {"parsing", "optimization", "export", "migrate"}
GRPC_PORT, HTTP_PORT, NATS_PORT, POSTGRES_PORT = 50051, 8080, 4222, 5432
NATS_LABELS = {
    "app.kubernetes.io/name": "nats",
    "app.kubernetes.io/instance": "nats",
    "app.kubernetes.io/component": "nats",
}
# A pod in another namespace or an address outside the cluster.
OUTSIDE = None


def selects(selector, labels):
    if selector is None:
        return False
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions") or []:
        key, operator, values = expression["key"], expression["operator"], expression.get("values", [])
        if operator == "In" and labels.get(key) not in values:
            return False
        if operator == "NotIn" and labels.get(key) in values:
            return False
        if operator == "Exists" and key not in labels:
            return False
        if operator == "DoesNotExist" and key in labels:
            return False
    return True


def peer_matches(peer, labels):
    """A NetworkPolicy peer against a pod of this namespace (labels) or OUTSIDE."""
    if "ipBlock" in peer:
        return labels is OUTSIDE
    if "namespaceSelector" in peer:
        # Only the policies' own namespace matters here, and no rule selects it by namespace.
        return labels is OUTSIDE
    return labels is not OUTSIDE and selects(peer.get("podSelector", {}), labels)


def port_matches(rule, port):
    ports = rule.get("ports")
    return not ports or any(p.get("port") == port and p.get("protocol", "TCP") == "TCP" for p in ports)


def allowed(policies, direction, subject, other, port):
    """Whether traffic of `direction` ("Ingress"/"Egress") is allowed for the pod `subject`."""
    relevant = [p for p in policies if direction in p["spec"].get("policyTypes", ["Ingress"])
                and selects(p["spec"].get("podSelector", {}), subject)]
    if not relevant:
        return True
    key, peers_key = ("ingress", "from") if direction == "Ingress" else ("egress", "to")
    for policy in relevant:
        for rule in policy["spec"].get(key) or []:
            peers = rule.get(peers_key)
            if port_matches(rule, port) and (not peers or any(peer_matches(p, other) for p in peers)):
                return True
    return False


def can_connect(policies, source, target, port):
    egress = source is OUTSIDE or allowed(policies, "Egress", source, target, port)
    ingress = target is OUTSIDE or allowed(policies, "Ingress", target, source, port)
    return egress and ingress


def main(path):
    with open(path) as file:
        objects = [o for o in yaml.safe_load_all(file) if o]
    problems = []
    by_kind = {}
    for o in objects:
        by_kind.setdefault(o["kind"], {})[o["metadata"]["name"]] = o
    services = by_kind.get("Service", {})
    policies = list(by_kind.get("NetworkPolicy", {}).values())
    pods, endpoints = {}, {}

    for name in SERVICES:
        deployment = by_kind.get("Deployment", {}).get(name)
        if deployment is None:
            problems.append(f"no Deployment {name}")
            continue
        spec = deployment["spec"]["template"]["spec"]
        pods[name] = deployment["spec"]["template"]["metadata"]["labels"]
        container = spec["containers"][0]
        if container.get("args") != ["serve", "--services", name]:
            problems.append(f"{name}: args {container.get('args')} do not serve {name}")
        for probe in ("startupProbe", "livenessProbe"):
            grpc = (container.get(probe) or {}).get("grpc") or {}
            if grpc.get("port") != GRPC_PORT or grpc.get("service") != HEALTH_NAMES[name]:
                problems.append(f"{name}: {probe} is not the gRPC health check of {HEALTH_NAMES[name]}")
        if "readinessProbe" not in container:
            problems.append(f"{name}: no readinessProbe")
        if name not in services:
            problems.append(f"{name}: no Service")
        env = {e["name"]: e.get("value") for e in container.get("env", [])}
        endpoints[name] = set()
        for key, value in env.items():
            if key.startswith("RESUMAX_") and key.endswith("_ENDPOINT"):
                peer = key[len("RESUMAX_"):-len("_ENDPOINT")].lower()
                if value != f"http://{peer}:{GRPC_PORT}":
                    problems.append(f"{name}: {key}={value}, expected http://{peer}:{GRPC_PORT}")
                ports = [p["port"] for p in services.get(peer, {}).get("spec", {}).get("ports", [])]
                if GRPC_PORT not in ports:
                    problems.append(f"{name}: {key} names {peer}, which has no Service on {GRPC_PORT}")
                endpoints[name].add(peer)
        if endpoints[name] != CALLS.get(name, set()):
            problems.append(f"{name}: endpoints {sorted(endpoints[name])}, "
                            f"expected {sorted(CALLS.get(name, set()))}")

    job = by_kind.get("Job", {}).get("migrate")
    if job is None:
        problems.append("no migration Job")
    else:
        pods["migrate"] = job["spec"]["template"]["metadata"]["labels"]
        if job["spec"]["template"]["spec"]["containers"][0].get("args") != ["migrate"]:
            problems.append("the migration Job does not run `resumax migrate`")

    for source in SERVICES + ["migrate"]:
        if source not in pods:
            continue
        for target in SERVICES:
            if target not in pods:
                continue
            expected = target in CALLS.get(source, set())
            actual = can_connect(policies, pods[source], pods[target], GRPC_PORT)
            if actual != expected:
                problems.append(f"network: {source} -> {target}:{GRPC_PORT} is "
                                f"{'allowed' if actual else 'denied'}, expected {'allowed' if expected else 'denied'}")
        nats_expected = source in SERVICES
        if can_connect(policies, pods[source], NATS_LABELS, NATS_PORT) != nats_expected:
            problems.append(f"network: {source} -> nats:{NATS_PORT} should be "
                            f"{'allowed' if nats_expected else 'denied'}")
        postgres_expected = source in TABLE_OWNERS
        if can_connect(policies, pods[source], OUTSIDE, POSTGRES_PORT) != postgres_expected:
            problems.append(f"network: {source} -> postgres:{POSTGRES_PORT} should be "
                            f"{'allowed' if postgres_expected else 'denied'}")
    for target in SERVICES:
        if target not in pods:
            continue
        for port in (HTTP_PORT, GRPC_PORT):
            expected = target == "gateway" and port == HTTP_PORT
            if can_connect(policies, OUTSIDE, pods[target], port) != expected:
                problems.append(f"network: outside -> {target}:{port} should be "
                                f"{'allowed' if expected else 'denied'}")

    for problem in problems:
        print(f"  {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
