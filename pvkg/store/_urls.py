"""Store URLs as they may be shown: without the user name and password they can carry.

Why: ``--store-url http://user:password@host`` is how pvkg reaches a server behind Basic auth
(httpx sends the user info as the Authorization header), and messages naming that URL reach
anonymous HTTP clients, terminals and logs.
"""

from __future__ import annotations

import re

# scheme "://", then the user info: everything up to the authority's last "@"
_USER_INFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/?#\s]*@")


def redact_url(text: str) -> str:
    """``text`` with the user info taken out of every URL in it (a URL alone, or a message).

    >>> redact_url("http://alice:S3cret@127.0.0.1:7878/query")
    'http://127.0.0.1:7878/query'
    >>> redact_url("cannot reach https://u:p@w@host/x and http://host/?mail=a@b")
    'cannot reach https://host/x and http://host/?mail=a@b'
    """
    return _USER_INFO.sub(r"\1", text)
