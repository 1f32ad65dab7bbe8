"""Bearer-token checks for writes.

* The admin token (``PVKG_ADMIN_TOKEN`` / ``--admin-token``) may do every write.
* ``PVKG_TOKENS_FILE`` names a JSON or TOML file mapping institution ids to the **SHA-256 hex
  digest** of that institution's token; such a token may only ``PUT /portfolios/{institution}``
  for its own institution. Example (TOML)::

      varam = "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"

  Make a digest with ``printf %s "$TOKEN" | sha256sum``.
* Without an admin token configured every write is refused (403), even with a tokens file,
  except institution portfolio submissions when a tokens file is configured.
* No ``Authorization: Bearer`` header: 401. A wrong token: 403. Tokens are compared with
  :func:`hmac.compare_digest`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import tomllib
from pathlib import Path

from fastapi import Request

from pvkg.errors import Forbidden, InputError
from pvkg.settings import Settings
from service.errors import Unauthorized


def load_tokens(path: Path | None) -> dict[str, str]:
    """Read the institution token file (JSON or TOML): institution id -> sha256 hex digest.

    Raises:
        InputError: the file is missing, unreadable or not a mapping of hex digests.
    """
    if path is None:
        return {}
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise InputError(f"tokens file {path}: {err.strerror}") from None
    try:
        data = json.loads(text) if text.lstrip().startswith("{") else tomllib.loads(text)
    except (ValueError, tomllib.TOMLDecodeError) as err:
        raise InputError(f"tokens file {path}: neither JSON nor TOML: {err}") from None
    tokens: dict[str, str] = {}
    for institution, digest in data.items():
        digest = str(digest).strip().lower()
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise InputError(f"tokens file {path}: {institution!r} must map to a sha256 hex digest")
        tokens[str(institution)] = digest
    return tokens


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("this operation needs an 'Authorization: Bearer <token>' header")
    return token.strip()


def _is_admin(settings: Settings, token: str) -> bool:
    return settings.admin_token is not None and hmac.compare_digest(
        token.encode(), settings.admin_token.encode()
    )


def require_admin(request: Request, settings: Settings) -> None:
    """Allow only the admin token.

    Raises:
        Forbidden: writes are disabled (no admin token configured) or the token is wrong.
        Unauthorized: no bearer token was sent.
    """
    if not settings.admin_token:
        raise Forbidden("writes are disabled on this server: no admin token is configured")
    if not _is_admin(settings, _bearer(request)):
        raise Forbidden("the bearer token is not the admin token")


def require_institution(
    request: Request, settings: Settings, tokens: dict[str, str], institution: str
) -> str:
    """Allow the admin token or the institution's own token; return who submitted.

    Raises:
        Forbidden: no admin token configured (INTERFACES §6: then writes are refused, institution
            tokens included), or a token of someone else.
        Unauthorized: no bearer token was sent.
    """
    if not settings.admin_token:
        raise Forbidden(
            "writes are disabled on this server: no admin token is configured "
            "(PVKG_ADMIN_TOKEN or --admin-token)"
        )
    token = _bearer(request)
    if _is_admin(settings, token):
        return "admin"
    expected = tokens.get(institution)
    digest = hashlib.sha256(token.encode()).hexdigest()
    if expected is not None and hmac.compare_digest(digest, expected):
        return f"institution:{institution}"
    raise Forbidden(f"the bearer token may not submit portfolios for {institution!r}")
