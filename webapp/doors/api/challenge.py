"""`GET /api/v1/challenge`: a proof-of-work challenge for the public JSON API (contract section
13). A request without credentials to a tenant with `proof_of_work = true` sends its solution
back in the `X-Altcha` header of `POST /api/v1/customers`."""

from flask import Blueprint, jsonify

from webapp.auth import ratelimits
from webapp.auth.credentials import api_tenant
from webapp.doors.openapi import COMMON_FAULTS, fault_response
from webapp.trust import proof_of_work

bp = Blueprint("api_challenge", __name__, url_prefix="/api/v1")


@bp.get("/challenge")
@ratelimits.validation
def challenge():
    tenant, _, _ = api_tenant()
    response = jsonify(proof_of_work.challenge(tenant))
    response.headers["Cache-Control"] = "no-store"  # each challenge is good once
    return response


CHALLENGE_EXAMPLE = {
    "parameters": {
        "algorithm": proof_of_work.ALGORITHM,
        "cost": proof_of_work.COST,
        "keyLength": 32,
        "keyPrefix": "6f0c1f3a9e2b4d5c6f0c1f3a9e2b4d5c",
        "nonce": "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
        "salt": "a1b2c3d4e5f60718293a4b5c6d7e8f90",
        "keySignature": "…",
        "expiresAt": 1796558400,
        "data": {"tenant": "default"},
    },
    "signature": "…",
}
OPENAPI_PATHS = {
    "/api/v1/challenge": {
        "get": {
            "operationId": "getChallenge",
            "summary": "A proof-of-work challenge (ALTCHA, PoW v2) for a public registration",
            "description": "For tenants with proof of work, a `POST /api/v1/customers` without "
            "credentials must carry the solved challenge, base64-encoded as the ALTCHA "
            "libraries make it, in the `X-Altcha` header; each solution is good once, "
            "and a challenge expires after 30 minutes. Without it: 400 91017.",
            "security": [{}],
            "parameters": [
                {
                    "name": "tenant",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string"},
                    "description": "The tenant's slug (the default tenant when left out)",
                }
            ],
            "responses": {
                "200": {
                    "description": "A challenge, to solve with an ALTCHA solver",
                    "content": {
                        "application/json": {
                            "schema": {"type": "object"},
                            "example": CHALLENGE_EXAMPLE,
                        }
                    },
                },
                "401": {
                    **COMMON_FAULTS["401"],
                    "description": "91005: the tenant takes no registration without "
                    "credentials (public_registration = false), so it hands out no challenge",
                },
                "404": fault_response("91009: no such tenant"),
                "429": COMMON_FAULTS["429"],  # it counts against RATELIMIT_VALIDATION
                "500": COMMON_FAULTS["500"],
            },
        }
    }
}
