"""The OpenAPI page at /schema, working offline: Swagger UI's files come from the `swagger-ui-bundle` package.

The page's scripts and styles are served by the service itself under `/schema/swagger-ui/`, so it
renders with no network beyond the service. The package ships Swagger UI 4, which reads OpenAPI 3.0
only: the page embeds the document in 3.0 form (`as_openapi_30`), while `/schema/openapi.json`
stays the 3.1 document Litestar generates.
"""

from __future__ import annotations

import functools
from typing import Annotated, Any

from litestar import Request, Response, get
from litestar.exceptions import NotFoundException
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.params import PathParameter
from litestar.router import Router
from swagger_ui_bundle import swagger_ui_path  # type: ignore[import-untyped]

SCHEMA_PATH = "/schema"
ASSETS_PATH = "/swagger-ui"
ASSETS = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui-standalone-preset.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "favicon-32x32.png": "image/png",
}
"""The files of the package the page loads, with their content types."""
ASSET_MAX_AGE_SECONDS = 86_400

BEARER = "bearer"
"""The security scheme's name: a JWT in `Authorization: Bearer …`."""
COMPONENTS = Components(
    security_schemes={
        BEARER: SecurityScheme(
            type="http",
            scheme="bearer",
            bearer_format="JWT",
            description="An RS256 JWT: `campaigns token --supreme` prints one for the embedded profile's dev key.",
        )
    }
)
SECURITY: list[dict[str, list[str]]] = [{BEARER: []}]
"""The requirement every operation but the public ones (heartbeat, metrics, this page) declares."""


def asset_url(name: str) -> str:
    return f"{SCHEMA_PATH}{ASSETS_PATH}/{name}"


@functools.cache
def _asset(name: str) -> bytes:
    content: bytes = (swagger_ui_path / name).read_bytes()
    return content


@get(f"{ASSETS_PATH}/{{name:str}}", include_in_schema=False, sync_to_thread=False)
def swagger_ui_asset(name: Annotated[str, PathParameter()]) -> Response[bytes]:
    """One of Swagger UI's files, from the installed package."""
    if name not in ASSETS:
        raise NotFoundException(f"No Swagger UI file named {name!r}.")
    return Response(
        _asset(name),
        media_type=ASSETS[name],
        headers={"cache-control": f"public, max-age={ASSET_MAX_AGE_SECONDS}"},
    )


class OfflineSwaggerRenderPlugin(SwaggerRenderPlugin):
    """Swagger UI from the service's own routes, showing the document in the OpenAPI version it reads."""

    def __init__(self) -> None:
        super().__init__(
            js_url=asset_url("swagger-ui-bundle.js"),
            css_url=asset_url("swagger-ui.css"),
            standalone_preset_js_url=asset_url("swagger-ui-standalone-preset.js"),
            favicon=f"<link rel='icon' type='image/png' href='{asset_url('favicon-32x32.png')}'>",
            path="/swagger",
        )

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        return super().render(request, as_openapi_30(openapi_schema))

    def receive_router(self, router: Router) -> None:
        super().receive_router(router)
        router.register(swagger_ui_asset)


def as_openapi_30(document: dict[str, Any]) -> dict[str, Any]:
    """`document` (OpenAPI 3.1) in the 3.0 form Swagger UI 4 reads: same operations and shapes.

    What changes: the version; `oneOf`/`anyOf` with a `{"type": "null"}` branch become `nullable`;
    `const` becomes a one-value `enum`; a schema's `examples` list becomes its `example`; numeric
    `exclusiveMinimum`/`exclusiveMaximum` become `minimum`/`maximum` with the boolean flag.
    """
    converted: dict[str, Any] = _convert(document)
    converted["openapi"] = "3.0.3"
    for key in ("jsonSchemaDialect", "webhooks"):
        converted.pop(key, None)
    return converted


def _convert(node: Any) -> Any:
    if isinstance(node, list):
        return [_convert(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _convert(value) for key, value in node.items() if key != "$schema"}
    for combinator in ("oneOf", "anyOf"):
        if isinstance(out.get(combinator), list) and {"type": "null"} in out[combinator]:
            branches = [branch for branch in out.pop(combinator) if branch != {"type": "null"}]
            out["nullable"] = True
            if len(branches) == 1 and "$ref" in branches[0]:
                out["allOf"] = branches  # siblings of a bare $ref are ignored in 3.0
            elif len(branches) == 1:
                out.update({key: value for key, value in branches[0].items() if key not in out})
            else:
                out[combinator] = branches
    if "const" in out:
        out["enum"] = [out.pop("const")]
    if isinstance(out.get("examples"), list):
        examples = out.pop("examples")
        if examples:
            out["example"] = examples[0]
    for bound, flag in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        if isinstance(out.get(flag), int | float) and not isinstance(out.get(flag), bool):
            out[bound] = out[flag]
            out[flag] = True
    return out
