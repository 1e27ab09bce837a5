"""The OpenAPI document describes each operation's own schemas.

A schema's class name is its component name in the document, so two apps' schemas with one
name collapsed into one component: `POST /api/v1/problems/{code}/transitions` was documented
with the creation registry's fields (score, objection, upheld) instead of its own (unit,
region, deadline, until, …), and so were the plans' task transitions."""

from ninja import Schema

import wenming.urls  # noqa: F401 - every app's router is on the API once the URLs are loaded
from wenming.core.api import api


def _ours(cls=Schema):
    for sub in cls.__subclasses__():
        if sub.__module__.startswith("wenming."):
            yield sub
        yield from _ours(sub)


def test_no_two_schemas_of_ours_share_a_name():
    by_name: dict[str, set[str]] = {}
    for cls in set(_ours()):
        by_name.setdefault(cls.__name__, set()).add(f"{cls.__module__}.{cls.__qualname__}")
    shared = {name: where for name, where in by_name.items() if len(where) > 1}
    assert not shared, shared


def test_every_request_body_is_documented_with_its_own_fields():
    """For each operation with a JSON body, the component it points to has exactly the fields
    of the schema the view takes."""
    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]
    wrong = []
    for path, operations in schema["paths"].items():
        for method, op in operations.items():
            content = op.get("requestBody", {}).get("content", {}).get("application/json")
            if not content or "$ref" not in content["schema"]:
                continue
            name = content["schema"]["$ref"].rsplit("/", 1)[-1]
            documented = set(components[name].get("properties", {}))
            own = [c for c in _ours() if c.__name__ == name]
            assert len(own) == 1, name
            fields = set(own[0].model_fields)
            if documented != fields:
                wrong.append((method.upper(), path, name, sorted(documented ^ fields)))
    assert not wrong, wrong


def test_the_problem_transition_is_documented_with_its_fields():
    schema = api.get_openapi_schema()
    body = schema["paths"]["/api/v1/problems/{code}/transitions"]["post"]["requestBody"]
    name = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    fields = set(schema["components"]["schemas"][name]["properties"])
    assert {"action", "unit", "region", "deadline", "until", "version"} <= fields
    assert not {"score", "objection", "upheld"} & fields
