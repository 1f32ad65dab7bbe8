"""A pvkg server behind ``--store-url …/sparql``: its JSON error's message reaches the user as
the server wrote it, not re-read as a parser message (audit 3: commas became ';', words went)."""

from __future__ import annotations

import pytest

from pvkg.errors import QuerySyntaxError
from pvkg.settings import Settings
from pvkg.store import LocalStore, Store
from pvkg.store._remote import RemoteStore
from tests.service.served import served_app


def test_a_pvkg_servers_syntax_message_is_passed_on(
    service_settings: Settings, service_store: Store
) -> None:
    bad = "SELECT * WHERE { ?s ex:foo ?o }"
    with pytest.raises(QuerySyntaxError) as local:
        LocalStore(None).query(bad)
    with served_app(service_settings, service_store) as base:
        remote = RemoteStore(f"{base}/sparql", timeout_s=10)
        with pytest.raises(QuerySyntaxError) as err:
            remote.query(bad)
    message = str(err.value)
    assert "undefined prefix 'ex:'" in message
    assert '"error"' not in message and "{" not in message.split("rejected")[0]
    assert str(local.value).split(": ", 1)[1][:40] in message
