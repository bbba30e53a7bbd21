"""Shared fixtures, one plugin module per kind of resource."""

pytest_plugins = [
    "tests.fixtures.database",
    "tests.fixtures.services",
    "tests.fixtures.egress",
    "tests.fixtures.web",
    "tests.fixtures.redis",
    "tests.fixtures.prompt_guard",
    "tests.fixtures.compliance",
]
