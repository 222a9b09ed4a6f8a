"""The Kubernetes manifests of `use_kubernetes=yes`, checked offline.

Every manifest validates against the Kubernetes API schemas of the versions below (strict: an
unknown or misspelt field fails) with kubernetes-validate, which ships those schemas. No kustomize
binary installs from a wheel, so the kustomization files are checked here: every manifest listed
and every listed file present, the overlay's image and patches aimed at what the base holds.
Then what the manifests must mean: probes on the app's own health URLs, exactly one beat that a
rollout never doubles, workers given longer than a task may run, migrations before new pods
start, nothing secret in any file, every variable production requires provided, and every
container unprivileged, read-only and bounded.
"""

import ast
import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from tests.conftest import Bake
from tests.properties import looks_like_secret

# The oldest Kubernetes the manifests are written for, and the newest kubernetes-validate knows.
KUBERNETES_VERSIONS = ("1.33.0", "1.37.0")
NAME = "my-service"  # the default slug, as the manifests name things
HOST = "example.com"  # the default domain_name
LIVENESS_PATH = "/health/"
READINESS_PATH = "/health/ready/"
# Fields a kustomization here may use (kustomize's own, a subset): a misspelt one fails.
KUSTOMIZATION_FIELDS = {"apiVersion", "kind", "resources", "namespace", "images", "patches"}

type Manifest = dict[str, Any]


@pytest.fixture(
    scope="module",
    params=[
        pytest.param({}, id="celery"),
        pytest.param({"use_celery": False, "use_sentry": True}, id="nocelery-sentry"),
    ],
)
def project(request: pytest.FixtureRequest, shared_bake: Bake) -> Path:
    return shared_bake(use_kubernetes=True, **request.param)


@pytest.fixture(scope="module")
def celery_project(shared_bake: Bake) -> Path:
    """The bake with worker and beat manifests (the defaults have Celery)."""
    return shared_bake(use_kubernetes=True)


def base(project: Path) -> Path:
    return project / "k8s" / "base"


def kustomization(folder: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((folder / "kustomization.yaml").read_text())
    return loaded


def manifests(project: Path) -> list[Manifest]:
    """Every resource of the base, in the order its kustomization lists the files."""
    return [
        document
        for name in kustomization(base(project))["resources"]
        for document in yaml.safe_load_all((base(project) / name).read_text())
    ]


def find(project: Path, kind: str, component: str) -> Manifest:
    [found] = [
        manifest
        for manifest in manifests(project)
        if manifest["kind"] == kind and manifest["metadata"]["name"] == f"{NAME}-{component}"
    ]
    return found


def pod_spec(manifest: Manifest) -> dict[str, Any] | None:
    """The pod template's spec of a workload, None for anything else."""
    if manifest["kind"] == "Deployment":
        spec: dict[str, Any] = manifest["spec"]["template"]["spec"]
        return spec
    if manifest["kind"] == "CronJob":
        spec = manifest["spec"]["jobTemplate"]["spec"]["template"]["spec"]
        return spec
    return None


def pod_specs(project: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    for manifest in manifests(project):
        if (spec := pod_spec(manifest)) is not None:
            yield manifest["metadata"]["name"], spec


def containers(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Init containers too: each of them runs the app's image with the app's settings."""
    return [*spec.get("initContainers", []), *spec["containers"]]


def secret_keys(project: Path) -> dict[str, str]:
    """The keys of the Secret, as secrets.example.env lists them, with their (empty) values."""
    lines = (base(project) / "secrets.example.env").read_text().splitlines()
    pairs = [line.partition("=") for line in lines if line and not line.startswith("#")]
    return {key: value for key, _, value in pairs}


def config_data(project: Path) -> dict[str, str]:
    data: dict[str, str] = find(project, "ConfigMap", "config")["data"]
    return data


def settings_assignment(project: Path, module: str, name: str) -> Any:
    """The literal value assigned to `name` in the bake's config/settings/<module>.py."""
    tree = ast.parse((project / "config" / "settings" / f"{module}.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == name for target in node.targets
        ):
            return ast.literal_eval(node.value)
    pytest.fail(f"config/settings/{module}.py assigns no {name}")


def required_variables(project: Path) -> set[str]:
    """What production refuses to start without: `env(...)` calls with no default in the
    settings prod reads (base.py, prod.py), and what .env.example marks "Required in prod"."""
    required = set()
    for module in ("base", "prod"):
        tree = ast.parse((project / "config" / "settings" / f"{module}.py").read_text())
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            function = node.func
            reads_env = (isinstance(function, ast.Name) and function.id == "env") or (
                isinstance(function, ast.Attribute)
                and isinstance(function.value, ast.Name)
                and function.value.id == "env"
            )
            first = node.args[0]
            has_default = any(keyword.arg == "default" for keyword in node.keywords)
            if reads_env and isinstance(first, ast.Constant) and not has_default:
                required.add(first.value)
    example = (project / ".env.example").read_text().splitlines()
    for comment, line in itertools.pairwise(example):
        if comment.startswith("# Required in prod") and (match := re.match(r"# (\w+)=", line)):
            required.add(match[1])
    return required


# --- Schemas ----------------------------------------------------------------------------------


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_every_manifest_validates_against_the_kubernetes_schemas(
    project: Path, version: str
) -> None:
    for manifest in manifests(project):
        kubernetes_validate.validate(manifest, version, strict=True)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (["spec", "template", "spec", "containers", 0, "readinesProbe"], {}),  # misspelt
        (["spec", "template", "spec", "terminationGracePeriodSeconds"], "forty"),
        (["spec", "template", "spec", "containers", 0, "ports", 0, "containerPort"], "http"),
    ],
)
def test_schema_check_rejects_a_broken_manifest(
    project: Path, path: list[str | int], value: object
) -> None:
    manifest = find(project, "Deployment", "web")
    target: Any = manifest
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value

    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(manifest, KUBERNETES_VERSIONS[0], strict=True)


# --- Kustomizations ---------------------------------------------------------------------------


def test_base_kustomization_lists_every_manifest_and_only_existing_ones(project: Path) -> None:
    listed = kustomization(base(project))
    files = {path.name for path in base(project).glob("*.yaml")} - {"kustomization.yaml"}

    assert set(listed) <= KUSTOMIZATION_FIELDS
    assert sorted(listed["resources"]) == sorted(files)
    identities = [(m["kind"], m["metadata"]["name"]) for m in manifests(project)]
    assert len(identities) == len(set(identities))


def test_overlay_builds_on_the_base_and_aims_at_what_it_holds(project: Path) -> None:
    overlay_dir = project / "k8s" / "overlays" / "production"
    overlay = kustomization(overlay_dir)
    images = {c["image"] for _, spec in pod_specs(project) for c in containers(spec)}
    names = {(m["kind"], m["metadata"]["name"]): m for m in manifests(project)}

    assert set(overlay) <= KUSTOMIZATION_FIELDS
    assert [(overlay_dir / path).resolve() for path in overlay["resources"]] == [base(project)]
    assert re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", overlay["namespace"])
    # One image for every container, which the overlay sets to the release's.
    assert images == {NAME}
    assert [image["name"] for image in overlay["images"]] == [NAME]
    for patch in overlay["patches"]:
        target = names[patch["target"]["kind"], patch["target"]["name"]]
        for operation in yaml.safe_load(patch["patch"]):
            *parents, last = operation["path"].strip("/").split("/")
            for key in parents:
                target = target[key]
            assert operation["op"] == "replace"
            assert last in target, f"{operation['path']} is not in {patch['target']}"


# --- What the manifests mean ------------------------------------------------------------------


def test_web_probes_ask_the_apps_health_urls_with_an_allowed_host(project: Path) -> None:
    [web] = find(project, "Deployment", "web")["spec"]["template"]["spec"]["containers"]
    routes = re.findall(r'path\("([^"]*)"', (project / "config" / "urls.py").read_text())
    allowed_hosts = config_data(project)["DJANGO_ALLOWED_HOSTS"].split(",")

    assert web["readinessProbe"]["httpGet"]["path"] == READINESS_PATH
    assert web["livenessProbe"]["httpGet"]["path"] == LIVENESS_PATH
    for probe in (web["readinessProbe"], web["livenessProbe"]):
        assert probe["httpGet"]["path"].removeprefix("/") in routes
        assert probe["httpGet"]["port"] == web["ports"][0]["name"]
        assert probe["httpGet"]["httpHeaders"] == [{"name": "Host", "value": allowed_hosts[0]}]
        # Above the readiness checks' own 2 s bound (core/health.py), so 503 is seen as such.
        assert probe["timeoutSeconds"] > 2


def test_web_service_autoscaler_and_budget_select_the_web_pods(project: Path) -> None:
    deployment = find(project, "Deployment", "web")
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    service = find(project, "Service", "web")
    autoscaler = find(project, "HorizontalPodAutoscaler", "web")
    budget = find(project, "PodDisruptionBudget", "web")

    assert service["spec"]["selector"].items() <= pod_labels.items()
    assert service["spec"]["ports"][0]["targetPort"] == "http"
    assert budget["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    assert autoscaler["spec"]["scaleTargetRef"]["name"] == deployment["metadata"]["name"]
    # The autoscaler owns the count: a replicas field would reset it at every apply.
    assert "replicas" not in deployment["spec"]
    assert autoscaler["spec"]["minReplicas"] >= 2
    assert budget["spec"]["minAvailable"] < autoscaler["spec"]["minReplicas"]
    assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0


def test_beat_runs_once_and_a_rollout_never_runs_two(celery_project: Path) -> None:
    beat = find(celery_project, "Deployment", "beat")

    assert beat["spec"]["replicas"] == 1
    assert beat["spec"]["strategy"] == {"type": "Recreate"}
    assert "beat" in beat["spec"]["template"]["spec"]["containers"][0]["command"]


def test_worker_outlives_the_longest_task_on_shutdown(celery_project: Path) -> None:
    worker = find(celery_project, "Deployment", "worker")
    hard_limit = settings_assignment(celery_project, "base", "CELERY_TASK_TIME_LIMIT")

    assert isinstance(hard_limit, int)
    assert worker["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] > hard_limit


def test_no_celery_means_no_worker_nor_beat(project: Path) -> None:
    use_celery = (project / "config" / "celery.py").exists()
    components = {
        m["metadata"]["labels"].get("app.kubernetes.io/component") for m in manifests(project)
    }

    assert ({"worker", "beat"} <= components) is use_celery
    assert ({"worker", "beat"} & components == set()) is not use_celery


def test_migrations_run_once_per_release_before_its_pods_start(project: Path) -> None:
    template = find(project, "CronJob", "migrate")
    [migrate] = template["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]
    readme = (project / "README.md").read_text()

    # Never runs by itself: each release creates one Job from it, named after the release.
    assert template["spec"]["suspend"] is True
    assert migrate["command"] == ["python", "manage.py", "migrate", "--no-input"]
    assert f"kubectl create job {NAME}-migrate-" in readme
    assert f"--from=cronjob/{NAME}-migrate" in readme
    for name, spec in pod_specs(project):
        if name == f"{NAME}-migrate":
            continue
        [wait] = spec["initContainers"]
        assert "manage.py migrate --check" in " ".join(wait["command"]), name
        assert wait["envFrom"] == spec["containers"][0]["envFrom"], name


def test_manifests_hold_no_secret(project: Path) -> None:
    keys = secret_keys(project)
    config = config_data(project)

    assert {"DJANGO_SECRET_KEY", "DATABASE_URL"} <= keys.keys()
    assert set(keys.values()) == {""}
    assert [m for m in manifests(project) if m["kind"] == "Secret"] == []
    assert keys.keys() & config.keys() == set()
    assert [value for value in config.values() if looks_like_secret(value)] == []
    assert [value for value in config.values() if re.search(r"://[^/@]*@", value)] == []
    for name, spec in pod_specs(project):
        for container in containers(spec):
            assert "env" not in container, (
                f"{name}/{container['name']}: use the ConfigMap or Secret"
            )


def test_every_variable_production_requires_is_provided(project: Path) -> None:
    required = required_variables(project)
    provided = config_data(project).keys() | secret_keys(project).keys()
    sources = [
        {"configMapRef": {"name": f"{NAME}-config"}},
        {"secretRef": {"name": f"{NAME}-secrets"}},
    ]

    assert {"DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL"} <= required
    assert sorted(required - provided) == []
    for name, spec in pod_specs(project):
        for container in containers(spec):
            assert container["envFrom"] == sources, f"{name}/{container['name']}"


def test_required_variables_are_read_from_the_settings(project: Path, tmp_path: Path) -> None:
    """The check above finds a variable that production starts requiring."""
    copy = tmp_path / "project"
    (copy / "config" / "settings").mkdir(parents=True)
    for module in ("base", "prod"):
        text = (project / "config" / "settings" / f"{module}.py").read_text()
        extra = '\nNEW = env.int("DJANGO_NEW_LIMIT")\nOK = env("DJANGO_OPTIONAL", default="")\n'
        (copy / "config" / "settings" / f"{module}.py").write_text(
            text + (extra if module == "prod" else "")
        )
    (copy / ".env.example").write_text("# Required in prod: x\n# DJANGO_FROM_EXAMPLE=1\n")

    found = required_variables(copy)

    assert {"DJANGO_NEW_LIMIT", "DJANGO_FROM_EXAMPLE", "DJANGO_SECRET_KEY"} <= found
    assert "DJANGO_OPTIONAL" not in found


def test_every_pod_runs_unprivileged_with_seccomp(project: Path) -> None:
    for name, spec in pod_specs(project):
        context = spec["securityContext"]
        assert context["runAsNonRoot"] is True, name
        assert context["runAsUser"] != 0, name
        assert context["seccompProfile"] == {"type": "RuntimeDefault"}, name
        assert spec["automountServiceAccountToken"] is False, name


def test_every_container_is_read_only_without_capabilities_and_bounded(project: Path) -> None:
    for name, spec in pod_specs(project):
        temporary = {v["name"] for v in spec["volumes"] if "emptyDir" in v}
        for container in containers(spec):
            where = f"{name}/{container['name']}"
            assert container["securityContext"] == {
                "allowPrivilegeEscalation": False,
                "readOnlyRootFilesystem": True,
                "capabilities": {"drop": ["ALL"]},
            }, where
            for bound in ("requests", "limits"):
                assert container["resources"][bound].keys() == {"cpu", "memory"}, where
            mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
            writable_tmp = mounts.get("/tmp") in temporary  # noqa: S108  # a path in the pod
            assert writable_tmp, f"{where}: /tmp is not writable"
