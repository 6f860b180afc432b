"""OpenAPI descriptions drf-spectacular cannot infer on its own."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class SpineClientAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "spine.authentication.SpineClientAuthentication"
    name = "clientCredentials"

    def get_security_definition(self, auto_schema):
        return {
            "type": "oauth2",
            "description": "A client system's token: POST /o/token/ with grant_type=client_credentials.",
            "flows": {
                "clientCredentials": {"tokenUrl": "/o/token/", "scopes": {"record": "Read and write records"}}
            },
        }
