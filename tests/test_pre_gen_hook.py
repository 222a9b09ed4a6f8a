"""hooks/pre_gen_project.py: each rule on its own, the rendered hook, and the cookiecutter CLI."""

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from cookiecutter.prompt import YesNoPrompt
from packaging.version import InvalidVersion, Version

from tests.combinations import PRE_GEN_HOOK, TEMPLATE_DIR
from tests.conftest import HookContext, RunHook

type Cli = Callable[..., subprocess.CompletedProcess[str]]


hook = PRE_GEN_HOOK

HOOK_SOURCE = (TEMPLATE_DIR / "hooks" / "pre_gen_project.py").read_text(encoding="utf-8")
COOKIECUTTER_JSON = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text(encoding="utf-8"))
TRICKY_TEXT = 'He said "hi" \\ l\'été \'\'\' """ {x}'


# --- the hook file ----------------------------------------------------------------------------


def test_hook_file_has_one_jinja_expression_the_rendered_context() -> None:
    assert HOOK_SOURCE.count("{{") == 1
    assert "{%" not in HOOK_SOURCE
    assert "{#" not in HOOK_SOURCE
    assert 'RENDERED_CONTEXT = r"""{{ cookiecutter | jsonify }}"""' in HOOK_SOURCE


def test_every_field_with_rules_is_a_variable_of_cookiecutter_json() -> None:
    assert set(hook.RULES) <= set(COOKIECUTTER_JSON)


@pytest.mark.parametrize(
    "field",
    [field for field, value in COOKIECUTTER_JSON.items() if isinstance(value, bool | list)],
)
def test_every_choice_and_boolean_of_cookiecutter_json_has_a_rule(field: str) -> None:
    """A value outside the options would reach the template unchecked (replay files)."""
    assert hook.RULES[field][0]("not an option") == (
        f"'not an option' is not one of {', '.join(hook.CHOICES[field])}, "
        f"e.g. {field}={hook.CHOICES[field][0]}"
        if field in hook.CHOICES
        else f"'not an option' is not a boolean, e.g. {field}=yes or {field}=no"
    )


@pytest.mark.parametrize("field", sorted(hook.CHOICES))
def test_choices_match_the_options_of_cookiecutter_json(field: str) -> None:
    assert sorted(hook.CHOICES[field]) == sorted(COOKIECUTTER_JSON[field])


def test_defaults_of_cookiecutter_json_pass_every_rule(hook_context: HookContext) -> None:
    assert hook.problems(hook_context()["cookiecutter"]) == []


# --- project_slug -----------------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["my_service", "shop", "a", "billing2", "x" * 63])
def test_project_slug_accepts_a_lowercase_identifier(slug: str) -> None:
    assert all(rule(slug) is None for rule in hook.RULES["project_slug"])


@pytest.mark.parametrize(
    "slug",
    ["my-service", "My Service", "MyService", "../evil", "a/b", "2fast", "_private", "", "été"],
)
def test_project_slug_rule_rejects_what_is_not_a_lowercase_identifier(slug: str) -> None:
    assert hook.slug_is_lowercase_identifier(slug) == (
        f"{slug!r} is not a lowercase Python identifier "
        "(a-z, 0-9 and _, starting with a letter), e.g. project_slug=my_service"
    )


def test_project_slug_rule_rejects_a_name_longer_than_63_characters() -> None:
    assert hook.slug_is_not_too_long("x" * 64) == (
        f"{'x' * 64!r} is longer than 63 characters, e.g. project_slug=my_service"
    )


@pytest.mark.parametrize("slug", ["class", "import", "def", "lambda"])
def test_project_slug_rule_rejects_a_keyword(slug: str) -> None:
    assert hook.slug_is_not_keyword(slug) == (
        f"{slug!r} is a Python keyword, e.g. project_slug=my_service"
    )


@pytest.mark.parametrize("slug", ["match", "case", "type", "_"])
def test_project_slug_rule_rejects_a_soft_keyword(slug: str) -> None:
    assert hook.slug_is_not_keyword(slug) == (
        f"{slug!r} is a Python soft keyword, e.g. project_slug=my_service"
    )


@pytest.mark.parametrize("slug", ["email", "json", "test", "logging", "secrets", "zoneinfo"])
def test_project_slug_rule_rejects_a_standard_library_module(slug: str) -> None:
    assert hook.slug_is_not_stdlib_module(slug) == (
        f"{slug!r} would shadow the standard-library module {slug!r}, e.g. project_slug=my_service"
    )


@pytest.mark.parametrize("slug", sorted(hook.DEPENDENCY_IMPORT_NAMES))
def test_project_slug_rule_rejects_a_dependency_import_name(slug: str) -> None:
    assert hook.slug_is_not_dependency(slug) == (
        f"{slug!r} would shadow the {slug!r} package the project installs, "
        "e.g. project_slug=my_service"
    )


@pytest.mark.parametrize("slug", sorted(hook.PROJECT_NAMES))
def test_project_slug_rule_rejects_a_name_the_project_uses_itself(slug: str) -> None:
    assert hook.slug_is_not_project_name(slug) == (
        f"{slug!r} clashes with the project's own {slug!r} folder or module, "
        "e.g. project_slug=my_service"
    )


def test_project_slug_dependency_list_has_the_required_import_names() -> None:
    required = {
        "django", "rest_framework", "celery", "kombu", "redis", "environ", "debug_toolbar",
        "drf_spectacular", "drf_spectacular_sidecar", "allauth", "django_filters", "whitenoise",
        "psycopg", "gunicorn", "argon2", "factory", "pytest", "pytest_django", "mypy", "ruff",
        "sentry_sdk", "coverage", "schemathesis", "hypothesis", "fido2",
    }  # fmt: skip
    assert required <= hook.DEPENDENCY_IMPORT_NAMES


def test_project_slug_reports_only_its_first_failing_rule() -> None:
    context = {"project_slug": "_"}  # not an identifier by our rule, and a soft keyword

    assert hook.field_problem("project_slug", context) == hook.slug_is_lowercase_identifier("_")


# --- project_name, email, domain_name ---------------------------------------------------------


@pytest.mark.parametrize("name", ["My Service", "x", "Café ☕"])
def test_project_name_rule_accepts_any_text(name: str) -> None:
    assert hook.is_not_blank(name) is None


@pytest.mark.parametrize("name", ["", "   ", "\t\n"])
def test_project_name_rule_rejects_blank_text(name: str) -> None:
    assert hook.is_not_blank(name) == f"{name!r} is empty, e.g. project_name='My Service'"


@pytest.mark.parametrize(
    "email",
    ["jane@example.com", "jane.doe+django@mail.example.co.uk", "j_d-1@EXAMPLE.org", "a@b.io"],
)
def test_email_rule_accepts_a_plausible_address(email: str) -> None:
    assert hook.is_email(email) is None


@pytest.mark.parametrize(
    "email",
    [
        "jane",
        "jane@",
        "@example.com",
        "jane@example",
        "jane@@example.com",
        "ja@ne@example.com",
        "jane doe@example.com",
        "jane@exa mple.com",
        ".jane@example.com",
        "jane..doe@example.com",
        'ja"ne@example.com',
        "jane@-example.com",
        "",
    ],
)
def test_email_rule_rejects_an_implausible_address(email: str) -> None:
    assert hook.is_email(email) == (
        f"{email!r} is not an email address, e.g. email=jane@example.com"
    )


@pytest.mark.parametrize(
    "domain",
    ["example.com", "api.example.co.uk", "my-service.example.com", "x1.io", "a" * 63 + ".com"],
)
def test_domain_name_rule_accepts_a_lowercase_host_name(domain: str) -> None:
    assert hook.is_domain_name(domain) is None


@pytest.mark.parametrize(
    ("domain", "problem"),
    [
        ("https://example.com", "must not include a scheme such as https://"),
        ("example.com/app", "must not include a path or a port"),
        ("example.com:8000", "must not include a path or a port"),
        ("Example.com", "must be lowercase"),
        ("localhost", "needs at least one dot"),
        ("-example.com", "is not a host name"),
        ("example-.com", "is not a host name"),
        ("exa_mple.com", "is not a host name"),
        ("example..com", "is not a host name"),
        ("example.com.", "is not a host name"),
        ("a" * 64 + ".com", "is not a host name"),
        ("127.0.0.1", "is not a host name"),
        ("exämple.com", "is not a host name"),
        (("a" * 60 + ".") * 5 + "com", "is longer than 253 characters"),
        ("", "is not a host name"),
    ],
)
def test_domain_name_rule_rejects_what_is_not_a_bare_host_name(domain: str, problem: str) -> None:
    message = hook.is_domain_name(domain)

    assert message.startswith(f"{domain!r} {problem}")
    assert message.endswith(", e.g. domain_name=example.com")


# --- version ----------------------------------------------------------------------------------

PEP440_VALID = [
    "0.1.0",
    "1",
    "2024.1",
    "1.0a1",
    "1.0b2",
    "1.0rc1",
    "1.0.post1",
    "1.0.dev3",
    "1.0a1.post2.dev3",
    "1!2.0",
    "1.0+local.7",
    "1.0+ubuntu-1",
    # spellings that PEP 440 normalises
    "v1.0",
    "1.0-alpha1",
    "1.0.beta.2",
    "1.0c1",
    "1.0-1",
    "1.0-r2",
    "1.0rev",
    "1.0-dev",
    "1.0A1",
    "1.0+Local_Label",
]
PEP440_INVALID = [
    "",
    "one",
    "1.0final",
    "1.0.",
    ".1",
    "1..0",
    "1.0-",
    "1.0+",
    "1.0+local+2",
    "1.0 beta",
    " 1.0",
    "1.0\n",
    "1.0-post-1-",
    "1.0a1a2",
    "v",
    "1.0.x",
]


@pytest.mark.parametrize("version", PEP440_VALID)
def test_version_rule_accepts_a_pep440_version(version: str) -> None:
    assert hook.is_pep440_version(version) is None


@pytest.mark.parametrize("version", PEP440_INVALID)
def test_version_rule_rejects_what_is_not_a_pep440_version(version: str) -> None:
    assert hook.is_pep440_version(version) == (
        f"{version!r} is not a PEP 440 version, e.g. version=0.1.0"
    )


@pytest.mark.parametrize("version", [*PEP440_VALID, *PEP440_INVALID])
def test_version_rule_agrees_with_packaging(version: str) -> None:
    """packaging implements PEP 440; the hook cannot import it, so it must agree with it.

    packaging also strips surrounding whitespace, which the hook refuses (it would end up in
    pyproject.toml as typed).
    """
    try:
        Version(version)
        packaging_accepts = version == version.strip()
    except InvalidVersion:
        packaging_accepts = False

    assert (hook.is_pep440_version(version) is None) == packaging_accepts


# --- timezone ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "timezone", ["UTC", "Europe/Paris", "America/Argentina/Buenos_Aires", "Asia/Kolkata"]
)
def test_timezone_rule_accepts_an_iana_time_zone(timezone: str) -> None:
    assert hook.is_time_zone(timezone) is None


@pytest.mark.parametrize(
    "timezone",
    [
        "Mars/Olympus",
        "../etc",
        "../../usr/share/zoneinfo/UTC",
        "/usr/share/zoneinfo/UTC",
        "Europe/",
        "Europe/Paris ",
        "",
        "Europe\\Paris",
    ],
)
def test_timezone_rule_rejects_an_unknown_time_zone_or_a_path(timezone: str) -> None:
    assert hook.is_time_zone(timezone) == (
        f"{timezone!r} is not an IANA time zone, e.g. timezone=Europe/Paris or timezone=UTC"
    )


# --- choices and booleans ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [(field, value) for field, options in hook.CHOICES.items() for value in options],
)
def test_choice_rule_accepts_each_option(field: str, value: str) -> None:
    assert hook.one_of(field)(value) is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("python_version", "3.11", "'3.11' is not one of 3.12, 3.13, e.g. python_version=3.12"),
        ("python_version", 3.12, "3.12 is not one of 3.12, 3.13, e.g. python_version=3.12"),
        (
            "username_type",
            "phone",
            "'phone' is not one of email, username, e.g. username_type=email",
        ),
        (
            "license",
            "GPL-3.0",
            "'GPL-3.0' is not one of MIT, BSD-3-Clause, Apache-2.0, Proprietary, e.g. license=MIT",
        ),
        (
            "license",
            "mit",
            "'mit' is not one of MIT, BSD-3-Clause, Apache-2.0, Proprietary, e.g. license=MIT",
        ),
    ],
)
def test_choice_rule_rejects_a_value_that_is_not_an_option(
    field: str, value: object, message: str
) -> None:
    assert hook.one_of(field)(value) == message


@pytest.mark.parametrize("field", ["use_docker", "use_kubernetes", "use_sentry", "allow_signup"])
def test_docker_kubernetes_sentry_and_signup_rules_reject_what_is_not_a_boolean(field: str) -> None:
    assert hook.RULES[field][0]("maybe") == (
        f"'maybe' is not a boolean, e.g. {field}=yes or {field}=no"
    )


def test_ci_rule_names_the_supported_services() -> None:
    assert hook.RULES["ci"][0]("travis") == (
        "'travis' is not one of github, gitlab, none, e.g. ci=github"
    )


@pytest.mark.parametrize("value", [True, False])
def test_use_celery_rule_accepts_a_boolean(value: bool) -> None:
    assert hook.boolean("use_celery")(value) is None


@pytest.mark.parametrize("value", ["maybe", "", 1, 0, None])
def test_use_celery_rule_rejects_what_is_not_a_boolean(value: object) -> None:
    assert hook.boolean("use_celery")(value) == (
        f"{value!r} is not a boolean, e.g. use_celery=yes or use_celery=no"
    )


@pytest.mark.parametrize("value", ["no", "yes", "false", " On "])
def test_a_yes_or_no_that_came_as_text_names_the_cookiecutter_version(value: str) -> None:
    """Cookiecutter 2.6 and older hand command-line answers to the hook unconverted."""
    assert hook.boolean("use_celery")(value) == (
        f"{value!r} arrived as text: cookiecutter before 2.7 does not turn "
        f"use_celery={value.strip()} into a boolean; run cookiecutter 2.7 or later "
        "(uvx cookiecutter), or answer the prompts"
    )


def test_the_hooks_boolean_words_are_cookiecutters() -> None:
    cookiecutters = {*YesNoPrompt.yes_choices, *YesNoPrompt.no_choices}

    assert cookiecutters == hook.BOOLEAN_WORDS


@pytest.mark.parametrize(
    ("word", "expected"),
    [(word, True) for word in YesNoPrompt.yes_choices]
    + [(word, False) for word in YesNoPrompt.no_choices]
    + [("No", False), (" YES ", True)],
)
def test_use_celery_words_cookiecutter_accepts_reach_the_hook_as_booleans(
    hook_context: HookContext, word: str, expected: bool
) -> None:
    context = hook_context(use_celery=word)["cookiecutter"]

    assert context["use_celery"] is expected
    assert hook.problems(context) == []


# --- reporting --------------------------------------------------------------------------------


def test_problems_has_one_line_per_bad_field_naming_it(hook_context: HookContext) -> None:
    context = hook_context()["cookiecutter"] | {
        "project_slug": "class",
        "email": "nobody",
        "timezone": "Mars/Olympus",
    }

    assert hook.problems(context) == [
        "Error: project_slug: 'class' is a Python keyword, e.g. project_slug=my_service",
        "Error: email: 'nobody' is not an email address, e.g. email=jane@example.com",
        "Error: timezone: 'Mars/Olympus' is not an IANA time zone, "
        "e.g. timezone=Europe/Paris or timezone=UTC",
    ]


def test_problems_names_a_field_missing_from_the_context(hook_context: HookContext) -> None:
    context = hook_context()["cookiecutter"]
    del context["use_celery"]

    assert hook.problems(context) == [
        "Error: use_celery: is missing from the context; is cookiecutter.json up to date?"
    ]


def test_unsupported_combination_rule_reports_its_message(
    hook_context: HookContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    rule = (
        lambda c: c["use_celery"] and c["username_type"] == "username",
        "use_celery=yes needs username_type=email",
    )
    monkeypatch.setattr(hook, "UNSUPPORTED_COMBINATIONS", [rule])

    matching = hook_context(use_celery=True, username_type="username")["cookiecutter"]
    other = hook_context(use_celery=True, username_type="email")["cookiecutter"]

    assert hook.problems(matching) == [
        "Error: unsupported options: use_celery=yes needs username_type=email"
    ]
    assert hook.problems(other) == []


def test_unsupported_combination_rules_wait_for_valid_fields(
    hook_context: HookContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hook, "UNSUPPORTED_COMBINATIONS", [(lambda c: True, "never")])
    context = hook_context()["cookiecutter"] | {"use_celery": "maybe"}

    assert hook.problems(context) == [
        "Error: use_celery: 'maybe' is not a boolean, e.g. use_celery=yes or use_celery=no"
    ]


KUBERNETES_WITHOUT_DOCKER = (
    "Error: unsupported options: use_kubernetes=yes needs use_docker=yes: "
    "the manifests run the image of its Dockerfile"
)


def test_kubernetes_needs_docker(hook_context: HookContext) -> None:
    without = hook_context(use_kubernetes=True, use_docker=False)["cookiecutter"]
    with_docker = hook_context(use_kubernetes=True, use_docker=True)["cookiecutter"]
    docker_alone = hook_context(use_kubernetes=False, use_docker=False)["cookiecutter"]

    assert hook.problems(without) == [KUBERNETES_WITHOUT_DOCKER]
    assert hook.problems(with_docker) == []
    assert hook.problems(docker_alone) == []


@pytest.mark.parametrize(("length", "accepted"), [(44, True), (45, False)])
def test_kubernetes_limits_the_slug_length(
    hook_context: HookContext, length: int, accepted: bool
) -> None:
    slug = "s" * length
    context = hook_context(use_kubernetes=True, project_slug=slug)["cookiecutter"]
    without_kubernetes = hook_context(use_kubernetes=False, project_slug=slug)["cookiecutter"]

    assert hook.problems(context) == (
        []
        if accepted
        else [
            "Error: unsupported options: use_kubernetes=yes needs a project_slug of at most "
            "44 characters: Kubernetes limits the names made from it"
        ]
    )
    assert hook.problems(without_kubernetes) == []


def test_stray_directory_is_the_lonely_parent_a_slash_in_the_slug_created(tmp_path: Path) -> None:
    output = tmp_path / "out"
    project = output / "a" / "b" / "c"
    project.mkdir(parents=True)

    assert hook.stray_directory(project, output) == output / "a"


def test_stray_directory_is_none_for_a_project_directly_in_the_output(tmp_path: Path) -> None:
    project = tmp_path / "my-service"
    project.mkdir()

    assert hook.stray_directory(project, tmp_path) is None


def test_stray_directory_stops_at_a_directory_with_other_content(tmp_path: Path) -> None:
    project = tmp_path / "a" / "b"
    project.mkdir(parents=True)
    (tmp_path / "a" / "keep.txt").touch()

    assert hook.stray_directory(project, tmp_path) is None


# --- the hook as cookiecutter renders and runs it ---------------------------------------------


def test_rendered_hook_accepts_quotes_backslashes_and_non_ascii(
    hook_context: HookContext, run_hook: RunHook, tmp_path: Path
) -> None:
    context = hook_context(
        project_name=TRICKY_TEXT, project_slug="my_service", author_name=TRICKY_TEXT
    )
    context["cookiecutter"]["description"] = TRICKY_TEXT  # as typed at the prompt: not rendered

    ran = run_hook("pre_gen_project", context, tmp_path)

    assert (ran.returncode, ran.stdout, ran.stderr) == (0, "", "")


def test_rendered_hook_rejects_with_one_line_per_problem_and_no_traceback(
    hook_context: HookContext, run_hook: RunHook, tmp_path: Path
) -> None:
    context = hook_context(project_slug="l'été", email='"x"', description=TRICKY_TEXT)
    project = tmp_path / "l'été"
    project.mkdir()

    ran = run_hook("pre_gen_project", context, project)

    assert ran.returncode == 1
    assert ran.stderr.splitlines() == [
        'Error: project_slug: "l\'été" is not a lowercase Python identifier '
        "(a-z, 0-9 and _, starting with a letter), e.g. project_slug=my_service",
        "Error: email: '\"x\"' is not an email address, e.g. email=jane@example.com",
    ]


# --- through the cookiecutter command line ----------------------------------------------------


@pytest.fixture
def cookiecutter_cli(tmp_path: Path) -> Cli:
    """Return `cli(*key_values) -> CompletedProcess` for `cookiecutter --no-input`, into tmp/out.

    The same program as `uv run cookiecutter`, with a user config in tmp_path so that the run
    writes its replay file there and not in the user's home.
    """
    config = tmp_path / "config.yaml"
    config.write_text(
        f"replay_dir: {tmp_path / 'replay'}\ncookiecutters_dir: {tmp_path / 'cookiecutters'}\n"
    )
    (tmp_path / "out").mkdir()

    def _cli(*arguments: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                Path(sys.executable).with_name("cookiecutter"),
                "--config-file",
                config,
                "-o",
                tmp_path / "out",
                *arguments,
            ],
            capture_output=True,
            encoding="utf-8",
            check=False,
            timeout=120,
        )

    return _cli


def assert_rejected_by_the_hook(ran: subprocess.CompletedProcess[str], lines: list[str]) -> None:
    """The hook's lines on stderr and nothing else there; cookiecutter's own report on stdout.

    Cookiecutter 2.7.1 logs every failing hook with logger.exception, so its stdout always holds
    a traceback of its own FailedHookException, ending in "Hook script failed (exit status: 1)".
    The hook's output, on stderr, is the message alone.
    """
    assert ran.returncode == 1
    assert ran.stderr.splitlines() == lines
    assert "Traceback" not in ran.stderr
    assert ran.stdout.splitlines()[-1] == "Hook script failed (exit status: 1)"


CLI_REJECTIONS = [
    (
        "project_slug=class",
        "Error: project_slug: 'class' is a Python keyword, e.g. project_slug=my_service",
    ),
    (
        "project_slug=my-service",
        "Error: project_slug: 'my-service' is not a lowercase Python identifier "
        "(a-z, 0-9 and _, starting with a letter), e.g. project_slug=my_service",
    ),
    (
        "project_name=My Service!",
        "Error: project_slug: 'my_service!' is not a lowercase Python identifier "
        "(a-z, 0-9 and _, starting with a letter), e.g. project_slug=my_service",
    ),
    (
        "project_slug=My Service",
        "Error: project_slug: 'My Service' is not a lowercase Python identifier "
        "(a-z, 0-9 and _, starting with a letter), e.g. project_slug=my_service",
    ),
    (
        # The template's folder renders to a fallback name for an empty slug: otherwise the
        # project directory would be the output directory, which cookiecutter refuses first.
        "project_slug=",
        "Error: project_slug: '' is not a lowercase Python identifier "
        "(a-z, 0-9 and _, starting with a letter), e.g. project_slug=my_service",
    ),
    (
        "project_slug=json",
        "Error: project_slug: 'json' would shadow the standard-library module 'json', "
        "e.g. project_slug=my_service",
    ),
    (
        "email=jane at example.com",
        "Error: email: 'jane at example.com' is not an email address, e.g. email=jane@example.com",
    ),
    (
        "domain_name=https://example.com",
        "Error: domain_name: 'https://example.com' must not include a scheme such as "
        "https://, e.g. domain_name=example.com",
    ),
    (
        "version=one",
        "Error: version: 'one' is not a PEP 440 version, e.g. version=0.1.0",
    ),
    (
        "timezone=Mars/Olympus",
        "Error: timezone: 'Mars/Olympus' is not an IANA time zone, "
        "e.g. timezone=Europe/Paris or timezone=UTC",
    ),
]


@pytest.mark.parametrize(
    ("key_value", "line"), CLI_REJECTIONS, ids=[key_value for key_value, _ in CLI_REJECTIONS]
)
def test_cli_rejects_bad_input_with_one_line_and_leaves_no_directory(
    cookiecutter_cli: Cli, tmp_path: Path, key_value: str, line: str
) -> None:
    ran = cookiecutter_cli("--no-input", str(TEMPLATE_DIR), key_value)

    assert_rejected_by_the_hook(ran, [line])
    assert list((tmp_path / "out").iterdir()) == []


def test_cli_rejects_kubernetes_without_docker_and_leaves_no_directory(
    cookiecutter_cli: Cli, tmp_path: Path
) -> None:
    ran = cookiecutter_cli("--no-input", str(TEMPLATE_DIR), "use_kubernetes=yes", "use_docker=no")

    assert_rejected_by_the_hook(ran, [KUBERNETES_WITHOUT_DOCKER])
    assert list((tmp_path / "out").iterdir()) == []


@pytest.mark.parametrize("name", ["", " "])
def test_cli_rejects_a_blank_project_name_and_the_empty_slug_it_makes(
    cookiecutter_cli: Cli, tmp_path: Path, name: str
) -> None:
    ran = cookiecutter_cli("--no-input", str(TEMPLATE_DIR), f"project_name={name}")

    assert_rejected_by_the_hook(
        ran,
        [
            f"Error: project_name: {name!r} is empty, e.g. project_name='My Service'",
            "Error: project_slug: '' is not a lowercase Python identifier "
            "(a-z, 0-9 and _, starting with a letter), e.g. project_slug=my_service",
        ],
    )
    assert list((tmp_path / "out").iterdir()) == []


def test_cli_rejects_a_slug_escaping_the_output_directory_and_removes_it(
    cookiecutter_cli: Cli, tmp_path: Path
) -> None:
    """Cookiecutter creates out/../evil, a sibling of the output directory, before the hook."""
    ran = cookiecutter_cli("--no-input", str(TEMPLATE_DIR), "project_slug=../evil")

    assert_rejected_by_the_hook(
        ran,
        [
            "Error: project_slug: '../evil' is not a lowercase Python identifier "
            "(a-z, 0-9 and _, starting with a letter), e.g. project_slug=my_service"
        ],
    )
    assert list((tmp_path / "out").iterdir()) == []
    assert not (tmp_path / "evil").exists()


def test_cli_names_the_directory_a_slash_in_the_slug_left_behind(
    cookiecutter_cli: Cli, tmp_path: Path
) -> None:
    """Cookiecutter creates out/a/b and deletes only out/b on failure: the hook says so."""
    ran = cookiecutter_cli("--no-input", str(TEMPLATE_DIR), "project_slug=a/b")

    assert_rejected_by_the_hook(
        ran,
        [
            "Error: project_slug: 'a/b' is not a lowercase Python identifier "
            "(a-z, 0-9 and _, starting with a letter), e.g. project_slug=my_service",
            f"Note: cookiecutter created {tmp_path / 'out' / 'a'} before this check; delete it.",
        ],
    )
    assert list((tmp_path / "out").iterdir()) == [tmp_path / "out" / "a"]
    assert list((tmp_path / "out" / "a").iterdir()) == []


def test_cli_accepts_yes_no_words_for_use_celery(cookiecutter_cli: Cli) -> None:
    """use_celery=no reaches the hook as false: the only complaint is the bad slug."""
    ran = cookiecutter_cli("--no-input", str(TEMPLATE_DIR), "use_celery=no", "project_slug=class")

    assert_rejected_by_the_hook(
        ran, ["Error: project_slug: 'class' is a Python keyword, e.g. project_slug=my_service"]
    )


def test_cli_hook_survives_quotes_backslashes_and_non_ascii(cookiecutter_cli: Cli) -> None:
    ran = cookiecutter_cli(
        "--no-input",
        str(TEMPLATE_DIR),
        'description=He said "hi" \\ l\'été',
        "author_name=Zoë O'Brien",
        "project_slug=class",
    )

    assert_rejected_by_the_hook(
        ran, ["Error: project_slug: 'class' is a Python keyword, e.g. project_slug=my_service"]
    )


def test_cli_replay_file_cannot_bypass_the_choices(
    cookiecutter_cli: Cli, hook_context: HookContext, tmp_path: Path
) -> None:
    """A replay file skips cookiecutter's own check of choices; the hook still catches them."""
    replay = tmp_path / "replay.json"
    context = hook_context()
    context["cookiecutter"] |= {"license": "GPL-3.0", "python_version": "3.11"}
    replay.write_text(json.dumps(context), encoding="utf-8")

    ran = cookiecutter_cli("--replay-file", str(replay), str(TEMPLATE_DIR))

    assert_rejected_by_the_hook(
        ran,
        [
            "Error: python_version: '3.11' is not one of 3.12, 3.13, e.g. python_version=3.12",
            "Error: license: 'GPL-3.0' is not one of MIT, BSD-3-Clause, Apache-2.0, "
            "Proprietary, e.g. license=MIT",
        ],
    )
    assert list((tmp_path / "out").iterdir()) == []


@pytest.mark.parametrize(
    ("key_value", "last_line"),
    [
        (
            "license=GPL-3.0",
            "ValueError: GPL-3.0 provided for choice variable license, but the choices are "
            "['MIT', 'BSD-3-Clause', 'Apache-2.0', 'Proprietary'].",
        ),
        (
            "use_celery=maybe",
            "ValueError: maybe provided for variable use_celery could not be converted to a "
            "boolean.",
        ),
    ],
)
def test_cli_refuses_a_bad_choice_or_boolean_itself_before_the_hook(
    cookiecutter_cli: Cli, tmp_path: Path, key_value: str, last_line: str
) -> None:
    """Cookiecutter checks key=value for choices and booleans first: a traceback ending in a
    line that names the variable and its valid values; nothing is created."""
    ran = cookiecutter_cli("--no-input", str(TEMPLATE_DIR), key_value)

    assert ran.returncode == 1
    assert ran.stderr.splitlines()[-1] == last_line
    assert list((tmp_path / "out").iterdir()) == []


def test_cli_stops_at_a_dot_slug_before_the_hook(cookiecutter_cli: Cli, tmp_path: Path) -> None:
    """A slug '.' names the output directory itself, which exists: cookiecutter stops before
    the hook with 'directory already exists' and creates nothing."""
    ran = cookiecutter_cli("--no-input", str(TEMPLATE_DIR), "project_slug=.")

    assert ran.returncode == 1
    assert ran.stdout.splitlines()[-1] == f'Error: "{tmp_path / "out"}" directory already exists'
    assert list((tmp_path / "out").iterdir()) == []
