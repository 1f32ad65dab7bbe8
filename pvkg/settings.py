"""One settings object, read from the environment once and passed down.

No other module reads ``os.environ``. Every field has a line in the README's settings table.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from pvkg.errors import InputError

PACKAGE_DIR = Path(__file__).resolve().parent
# the folder that holds the pvkg package: the source checkout, or site-packages when installed
PROJECT_ROOT = PACKAGE_DIR.parent
# the data folders read at run time; a wheel carries them as pvkg/_data/<name> (setup.py)
DATA_DIRS = ("ontology", "shapes", "queries", "reference")


def data_root(package_dir: Path = PACKAGE_DIR) -> Path:
    """The folder holding ``ontology/``, ``shapes/``, ``queries/`` and ``reference/``.

    A source checkout (editable install, tests) has them beside the package and is used first,
    so edits there count at once; an installed wheel has its copy inside the package. When
    neither has them, the wheel's place is returned and the first reader names what is missing.

    >>> data_root() in (PROJECT_ROOT, PACKAGE_DIR / "_data")
    True
    """
    checkout = package_dir.parent
    if all((checkout / name).is_dir() for name in DATA_DIRS):
        return checkout
    return package_dir / "_data"


DATA_ROOT = data_root()


def _positive_float(name: str, raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise InputError(f"setting {name}: {raw!r} is not a number") from None
    if value <= 0:
        raise InputError(f"setting {name}: must be positive, got {raw!r}")
    return value


def _positive_int(name: str, raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise InputError(f"setting {name}: {raw!r} is not a whole number") from None
    if value <= 0:
        raise InputError(f"setting {name}: must be positive, got {raw!r}")
    return value


# Characters no IRI may hold (RFC 3987 §2.2: space, controls, "<>{}|\\^`); a URL holding one
# breaks every serialisation of the catalogue (rdflib: "does not look like a valid URI").
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f-\x9f]')
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_INSTITUTION_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
INSTITUTION_PREFIX = "https://pvkg.lv/id/institution/"


def _http_iri(raw: str, name: str) -> str:
    """``raw`` stripped, when it is an absolute http(s) IRI with a host.

    Raises:
        InputError: it is not (the message names the setting ``name``).
    """
    value = raw.strip()
    bad = _NOT_IN_IRI.search(value)
    if bad is not None:
        raise InputError(
            f"setting {name}: {raw!r} holds {bad.group()!r}, which no IRI may hold; "
            "percent-encode it (for example a space as %20)"
        )
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError as err:
        raise InputError(f"setting {name}: {raw!r} is not a URL ({err})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(
            f"setting {name}: {raw!r} is not an absolute http(s) URL; expected for example "
            "https://pvkg.varam.gov.lv"
        )
    return value


_SWITCH = {"on": True, "true": True, "1": True, "off": False, "false": False, "0": False}


def _switch(name: str, raw: str) -> bool:
    """``on`` or ``off`` (also true/false, 1/0).

    Raises:
        InputError: any other value (fail fast rather than guess).
    """
    value = _SWITCH.get(raw.strip().lower())
    if value is None:
        raise InputError(f"setting {name}: expected on or off, got {raw!r}")
    return value


def checked_base_url(raw: str, name: str = "PVKG_BASE_URL") -> str:
    """``raw`` without its trailing slash, when it can start every URL of the catalogue.

    Why: a value without scheme or host gives relative IRIs that a harvester resolves against
    the catalogue's own URL, and characters outside IRIs break every RDF syntax.

    >>> checked_base_url("https://pvkg.varam.gov.lv/")
    'https://pvkg.varam.gov.lv'

    Raises:
        InputError: not an absolute http(s) URL with a host, or it holds a query, a fragment,
            user information or characters an IRI cannot hold (the message names ``name``).
    """
    value = _http_iri(raw, name).rstrip("/")
    if "?" in value or "#" in value or "@" in urlsplit(value).netloc:
        raise InputError(
            f"setting {name}: {raw!r} has a query, fragment or user name; give only the scheme, "
            "host, port and path prefix the service is reached at"
        )
    return value


def _data_dir(name: str, raw: str, marker: str) -> Path:
    """A directory that replaces one of pvkg's own (ontology, shapes, queries, reference data).

    Why: a mistyped shapes directory gave no rules at all, so every portfolio "conformed" and
    was stored so; a mistyped ontology directory emptied the store's ontology graph.

    Raises:
        InputError: not a directory, or it lacks ``marker`` (a file name or a glob).
    """
    path = Path(raw.strip())
    if not raw.strip() or not path.is_dir():
        raise InputError(
            f"setting {name}: {raw!r} is not a directory; leave it unset for pvkg's own"
        )
    if not any(path.glob(marker)):
        raise InputError(
            f"setting {name}: {raw!r} holds no {marker}; it must be a copy of pvkg's own "
            "directory (leave the setting unset to use that)"
        )
    return path


def _absolute_iri(name: str, raw: str) -> str:
    return _http_iri(raw, name)


def _email(name: str, raw: str) -> str:
    value = raw.strip().removeprefix("mailto:")
    if not _EMAIL.fullmatch(value) or _NOT_IN_IRI.search(value):
        raise InputError(
            f"setting {name}: {raw!r} is not an e-mail address; expected for example "
            "pakalpojumi@varam.gov.lv"
        )
    return value


def _institution(name: str, raw: str) -> str:
    """An institution id, also given as its IRI ``https://pvkg.lv/id/institution/<id>``."""
    value = raw.strip().removeprefix(INSTITUTION_PREFIX)
    if not _INSTITUTION_ID.fullmatch(value):
        raise InputError(
            f"setting {name}: {raw!r} is not a pvkg institution id (for example "
            "viedas-administracijas-un-regionalas-attistibas-ministrija) or its IRI "
            f"{INSTITUTION_PREFIX}<id>"
        )
    return value


@dataclass(frozen=True)
class Settings:
    """Everything configurable in pvkg. Build it with :meth:`from_env`, tweak with :meth:`with_`.

    >>> Settings().store_path.name
    'pvkg-data'
    """

    store_path: Path = Path("pvkg-data")
    store_url: str | None = None
    ontology_dir: Path = DATA_ROOT / "ontology"
    shapes_dir: Path = DATA_ROOT / "shapes"
    queries_dir: Path = DATA_ROOT / "queries"
    reference_dir: Path = DATA_ROOT / "reference"
    query_timeout_s: float = 30.0
    max_upload_bytes: int = 20 * 1024 * 1024
    max_rows: int = 100_000
    max_cell_chars: int = 10_000
    max_result_rows: int = 100_000
    # answers of the embedded store kept until the next write (0: none); see pvkg/store/_cache.py
    query_cache_mib: int = 64
    admin_token: str | None = None
    tokens_file: Path | None = None
    service_allowlist: tuple[str, ...] = field(default_factory=tuple)
    # the public base of the catalogue's URLs; None: the URL each request used (pvkg serve)
    base_url: str | None = None
    # the catalogue's publisher (an institution id), licence IRI and contact (None: defaults)
    catalog_publisher: str | None = None
    catalog_licence: str | None = None
    catalog_contact_email: str | None = None
    catalog_contact_url: str | None = None
    # Access-Control-Allow-Origin: * on the anonymous reads (service/cors.py); never on writes
    cors: bool = True

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        """Read ``PVKG_*`` variables; fail fast on bad values.

        Raises:
            InputError: a variable holds a value of the wrong type or range.
        """
        env = dict(os.environ if env is None else env)
        base = cls()
        values: dict[str, object] = {}
        if env.get("PVKG_STORE", "").strip():  # (empty: the default, not the working folder)
            values["store_path"] = Path(env["PVKG_STORE"].strip())
        if env.get("PVKG_STORE_URL"):
            values["store_url"] = env["PVKG_STORE_URL"]
        for key, name, marker in [
            ("PVKG_ONTOLOGY_DIR", "ontology_dir", "pvkg-core.ttl"),
            ("PVKG_SHAPES_DIR", "shapes_dir", "policy-shapes.ttl"),
            ("PVKG_QUERIES_DIR", "queries_dir", "services_without_manager.rq"),
            ("PVKG_REFERENCE_DIR", "reference_dir", "ministries.ttl"),
        ]:
            if key in env:
                values[name] = _data_dir(key, env[key], marker)
        if "PVKG_QUERY_TIMEOUT" in env:
            values["query_timeout_s"] = _positive_float(
                "PVKG_QUERY_TIMEOUT", env["PVKG_QUERY_TIMEOUT"]
            )
        for key, name in [
            ("PVKG_MAX_UPLOAD_BYTES", "max_upload_bytes"),
            ("PVKG_MAX_ROWS", "max_rows"),
            ("PVKG_MAX_CELL_CHARS", "max_cell_chars"),
            ("PVKG_MAX_RESULT_ROWS", "max_result_rows"),
        ]:
            if key in env:
                values[name] = _positive_int(key, env[key])
        if "PVKG_QUERY_CACHE_MB" in env:
            raw = env["PVKG_QUERY_CACHE_MB"]
            values["query_cache_mib"] = (
                0 if raw.strip() == "0" else _positive_int("PVKG_QUERY_CACHE_MB", raw)
            )
        # (stripped: a secret file's trailing newline made every write fail with 403)
        if env.get("PVKG_ADMIN_TOKEN", "").strip():
            values["admin_token"] = env["PVKG_ADMIN_TOKEN"].strip()
        if env.get("PVKG_TOKENS_FILE"):
            values["tokens_file"] = Path(env["PVKG_TOKENS_FILE"])
        if env.get("PVKG_SERVICE_ALLOWLIST"):
            values["service_allowlist"] = tuple(
                _http_iri(url.strip(), "PVKG_SERVICE_ALLOWLIST")
                for url in env["PVKG_SERVICE_ALLOWLIST"].split(",")
                if url.strip()
            )
        if env.get("PVKG_BASE_URL"):
            values["base_url"] = checked_base_url(env["PVKG_BASE_URL"])
        for key, name, check in [
            ("PVKG_CATALOG_PUBLISHER", "catalog_publisher", _institution),
            ("PVKG_CATALOG_LICENCE", "catalog_licence", _absolute_iri),
            ("PVKG_CATALOG_CONTACT_EMAIL", "catalog_contact_email", _email),
            ("PVKG_CATALOG_CONTACT_URL", "catalog_contact_url", _absolute_iri),
        ]:
            if env.get(key, "").strip():
                values[name] = check(key, env[key])
        if "PVKG_CORS" in env:
            values["cors"] = _switch("PVKG_CORS", env["PVKG_CORS"])
        return replace(base, **values)  # type: ignore[arg-type]

    def with_(self, **changes: object) -> Settings:
        """A copy with some fields changed (CLI options override the environment)."""
        return replace(self, **changes)  # type: ignore[arg-type]
