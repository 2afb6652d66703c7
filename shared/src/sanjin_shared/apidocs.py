"""The services' API documents, built without servers: each app's OpenAPI document (what
`sanjin openapi` writes, what `make lint` hands to Redocly and the e2e test to
openapi-generator).

An app is built from its registry factory with its own settings class (the factory's `settings`
parameter), in the test environment, so no secret and no server is needed. The document carries
no `servers`: each service's `/openapi.json` names the origin it is reached at, a file does not.
"""

from __future__ import annotations

import importlib
import json
import types
import typing
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from sanjin_shared.registry import SERVICES, service
from sanjin_shared.settings import ServiceSettings


def settings_class(name: str) -> type[ServiceSettings]:
    """The settings class a service's factory takes (`build_app(settings: X | None)`)."""
    hint = typing.get_type_hints(_factory(name))["settings"]
    for candidate in typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,):
        if isinstance(candidate, type) and issubclass(candidate, ServiceSettings):
            return candidate
    raise TypeError(f"{name}'s build_app takes no ServiceSettings")


def build(name: str, **overrides: Any) -> FastAPI:
    """Service `name`'s app, built (not started) in the test environment."""
    settings = settings_class(name)(**({"environment": "test"} | overrides))
    app = _factory(name)(settings)
    assert isinstance(app, FastAPI)
    return app


def openapi_document(name: str, **overrides: Any) -> dict[str, Any]:
    """Service `name`'s OpenAPI document, without `servers`."""
    document = dict(build(name, **overrides).openapi())
    document.pop("servers", None)
    return document


def write_openapi(directory: Path) -> list[Path]:
    """Every service's OpenAPI document as `<directory>/<name>.openapi.json`."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for spec in SERVICES:
        path = directory / f"{spec.name}.openapi.json"
        text = json.dumps(openapi_document(spec.name), indent=2, ensure_ascii=False)
        path.write_text(text + "\n", encoding="utf-8")
        written.append(path)
    return written


def _factory(name: str) -> Any:
    module, _, attribute = service(name).factory.partition(":")
    return getattr(importlib.import_module(module), attribute)
