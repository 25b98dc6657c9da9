"""Offline validation of the deployment files: Kubernetes manifests, Dockerfile, nginx config.

No cluster is needed: the checks are the ones that break deployments in practice — a
setting name with a typo, production values that would not start, probes on routes that
do not exist, services that select no pods, ingress backends that point nowhere, commands
the image does not have.
"""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path
from typing import Dict, FrozenSet, List

import pytest
import yaml

from bot.cli import build_parser
from bot.config import Settings
from bot.service.deploy import PUBLIC_BOT_EXACT, PUBLIC_BOT_PREFIXES, nginx_config

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s"
KNOWN_SETTINGS = {spec.metadata["env"] for spec in dataclasses.fields(Settings)}
# Read by Sanic itself (client address and scheme behind the Ingress), not by Settings.
SANIC_SETTINGS = {"SANIC_PROXIES_COUNT"}
WORKLOADS = ("Deployment", "StatefulSet")


def documents() -> List[dict]:
    docs = []
    for path in sorted(K8S.glob("*.yaml")):
        docs += [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]
    return docs


def by_kind(kind: str) -> List[dict]:
    return [doc for doc in documents() if doc["kind"] == kind]


def one(kind: str, name: str) -> dict:
    (doc,) = [d for d in by_kind(kind) if d["metadata"]["name"] == name]
    return doc


def workloads() -> List[dict]:
    return [doc for kind in WORKLOADS for doc in by_kind(kind)]


def workload(name: str) -> dict:
    (doc,) = [d for d in workloads() if d["metadata"]["name"] == name]
    return doc


def containers(doc: dict) -> List[dict]:
    spec = doc["spec"]
    if doc["kind"] == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    return spec["template"]["spec"]["containers"]


def environment_of(container: dict) -> Dict[str, str]:
    env: Dict[str, str] = {}
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            env.update(one("ConfigMap", source["configMapRef"]["name"])["data"])
        if "secretRef" in source:
            env.update(one("Secret", source["secretRef"]["name"])["stringData"])
    env.update({item["name"]: item["value"] for item in container.get("env", [])})
    return env


@functools.cache
def bot_routes() -> FrozenSet[str]:
    """The bot service's route paths (the app is built once: Sanic app names are unique)."""
    from bot.server import create_app

    return frozenset("/" + route.path.strip("/") for route in create_app(Settings.from_env({})).router.routes)


def test_every_document_is_well_formed_and_namespaced() -> None:
    docs = documents()
    assert {d["kind"] for d in docs} >= {
        "Namespace",
        "ConfigMap",
        "Secret",
        "Deployment",
        "Service",
        "Ingress",
        "CronJob",
    }
    for doc in docs:
        assert doc["apiVersion"] and doc["metadata"]["name"]
        if doc["kind"] != "Namespace":
            assert doc["metadata"]["namespace"] == "enlist", doc["metadata"]["name"]


def test_every_setting_name_exists_and_production_values_start() -> None:
    for doc in by_kind("ConfigMap"):
        unknown = set(doc["data"]) - KNOWN_SETTINGS
        assert not unknown, f"unknown settings in {doc['metadata']['name']}: {unknown}"
    for doc in workloads() + by_kind("CronJob"):
        for container in containers(doc):
            env = environment_of(container)
            assert not set(env) - KNOWN_SETTINGS - SANIC_SETTINGS, set(env) - KNOWN_SETTINGS - SANIC_SETTINGS
            settings = Settings.from_env(env)  # raises on a value that would not start
            assert settings.is_production and settings.database.startswith("postgresql")


def test_deployments_are_replicated_with_probes_on_real_routes() -> None:
    routes = bot_routes()
    expected = {
        "enlist-rasa": ("/webhooks/rest/", 5005, ["enlist", "serve-rasa"]),
        "enlist-bot": ("/health", 5055, ["enlist", "serve-bot"]),
    }
    for name, (path, port, command) in expected.items():
        deployment = workload(name)
        assert deployment["spec"]["replicas"] >= 2
        (container,) = containers(deployment)
        assert container["command"] == command
        assert container["resources"]["requests"] and container["resources"]["limits"]["memory"]
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        assert list(ports.values()) == [port]
        env = environment_of(container)
        assert int(env["ENLIST_RASA_PORT" if name == "enlist-rasa" else "ENLIST_BOT_PORT"]) == port
        for probe in ("readinessProbe", "livenessProbe"):
            assert container[probe]["httpGet"]["path"] == path and container[probe]["httpGet"]["port"] in ports
    assert "/health" in routes and "/webhook" in routes
    rasa_env = environment_of(containers(workload("enlist-rasa"))[0])
    assert Settings.from_env(rasa_env).action_endpoint_url.startswith("http://enlist-bot.")


def test_services_select_pods_and_ingress_points_at_services() -> None:
    pods = {d["metadata"]["name"]: (d["spec"]["template"]["metadata"]["labels"], containers(d)[0]) for d in workloads()}
    services = {}
    for service in by_kind("Service"):
        selector = service["spec"]["selector"]
        matching = [(labels, c) for labels, c in pods.values() if all(labels.get(k) == v for k, v in selector.items())]
        assert len(matching) == 1, service["metadata"]["name"]
        port_names = {p["name"] for p in matching[0][1]["ports"]}
        for port in service["spec"]["ports"]:
            assert port["targetPort"] in port_names
        services[service["metadata"]["name"]] = {p["name"] for p in service["spec"]["ports"]}
    (ingress,) = by_kind("Ingress")
    paths = {p["path"]: p["backend"]["service"] for rule in ingress["spec"]["rules"] for p in rule["http"]["paths"]}
    # Chat to Rasa, and only the bot service's public routes (issue 13 item 1: not / as a prefix).
    assert set(paths) == {"/webhooks/", "/socket.io/", *PUBLIC_BOT_EXACT, *PUBLIC_BOT_PREFIXES}
    for backend in paths.values():
        assert backend["port"]["name"] in services[backend["name"]]
    assert paths["/webhooks/"]["name"] == "enlist-rasa" and paths["/"]["name"] == "enlist-bot"


def test_ingress_and_nginx_do_not_expose_the_internal_bot_routes() -> None:
    """Issue 13 item 1: /webhook, /actions and /models/ are for the Rasa pods (Service address);
    every bot route is classified, so a new one cannot become public by accident."""
    from bot.edge.action_guard import is_internal

    def public(path: str) -> bool:
        return path in PUBLIC_BOT_EXACT or any(path == p or path.startswith(p + "/") for p in PUBLIC_BOT_PREFIXES)

    unclassified = {path for path in bot_routes() if public(path) == is_internal(path)}
    assert not unclassified, f"routes neither public nor internal (or both): {unclassified}"
    (ingress,) = by_kind("Ingress")
    rules = [(p["path"], p["pathType"]) for rule in ingress["spec"]["rules"] for p in rule["http"]["paths"]]
    for path, kind in rules:
        assert kind in ("Exact", "Prefix") and not is_internal(path), path
        assert not (
            kind == "Prefix" and any(internal.startswith(path) for internal in ("/webhook", "/actions", "/models/"))
        ), path
    config = nginx_config(["10.0.0.1:5005"], ["10.0.0.3:5055"])
    assert "location / {\n            default_type application/json;\n            return 404" in config
    assert (
        "/webhook" not in config.replace("location /webhooks/", "")
        and "/models" not in config
        and "/actions" not in config
    )


def test_bot_behind_the_tls_ingress_has_secure_cookies_the_proxy_count_and_a_persistent_outbox() -> None:
    """Issue 13 item 6: without these the session cookie goes out without Secure, every client
    counts as the Ingress address for the login limit, and pending leads die with the pod."""
    bot = workload("enlist-bot")
    (container,) = containers(bot)
    env = environment_of(container)
    assert Settings.from_env(env).secure_cookies
    assert env["SANIC_PROXIES_COUNT"] == "1"
    var_dir = env["ENLIST_VAR_DIR"]
    (mount,) = [m for m in container["volumeMounts"] if m["mountPath"] == var_dir]
    volumes = {v["name"]: v for v in bot["spec"]["template"]["spec"].get("volumes", [])}
    assert mount["name"] not in volumes, "the outbox must not live on a pod volume (emptyDir)"
    claims = {c["metadata"]["name"]: c["spec"] for c in bot["spec"].get("volumeClaimTemplates", [])}
    assert mount["name"] in claims and claims[mount["name"]]["resources"]["requests"]["storage"]
    assert bot["kind"] == "StatefulSet" and bot["spec"]["serviceName"] == "enlist-bot"
    assert not any("emptyDir" in v for doc in workloads() for v in doc["spec"]["template"]["spec"].get("volumes", []))


def test_commands_exist_in_the_cli() -> None:
    parser = build_parser()
    for doc in workloads() + by_kind("CronJob"):
        for container in containers(doc):
            program, *argv = container["command"]
            assert program == "enlist"
            parser.parse_args(argv)  # exits (SystemExit) on an unknown command


def test_dockerfile_uses_the_lock_and_python_310() -> None:
    dockerfile = (K8S.parent.parent / "Dockerfile").read_text(encoding="utf-8")
    assert "FROM python:3.10" in dockerfile and "-c requirements/constraints.txt" in dockerfile
    assert "enlist train" in dockerfile and "USER 10001" in dockerfile


def test_nginx_config_routes_chat_to_rasa_and_the_rest_to_the_bot() -> None:
    config = nginx_config(["10.0.0.1:5005", "10.0.0.2:5005"], ["10.0.0.3:5055"], listen="8080")
    assert config.count("server 10.0.0.1:5005") == 2  # round-robin and sticky upstreams
    assert "location /webhooks/" in config and "proxy_pass http://enlist_rasa;" in config
    assert "ip_hash;" in config and "proxy_pass http://enlist_rasa_sticky;" in config
    assert "listen 8080;" in config
    assert config.splitlines()[0].startswith("# GENERATED by `enlist nginx-config`")
    assert "{{" not in config and "{%" not in config and "{#" not in config
    assert "user " not in config and "pid " not in config and "_temp_path" not in config
    unprivileged = nginx_config(["a:1"], ["b:2"], runtime_dir="/run/enlist", user="nginx")
    lines = unprivileged.splitlines()
    assert lines[1:5] == [
        "user nginx;",
        "worker_processes auto;",
        "pid /run/enlist/nginx.pid;",
        "error_log /run/enlist/error.log warn;",
    ]
    assert "    proxy_temp_path /run/enlist/proxy;" in lines and "    scgi_temp_path /run/enlist/scgi;" in lines
    with pytest.raises(ValueError):
        nginx_config([], ["x:1"])
