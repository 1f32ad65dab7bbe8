"""The pvkg HTTP service (FastAPI): SPARQL 1.1 Protocol, Graph Store Protocol and the pvkg API.

Build it with :func:`service.app.create_app`; there is no module-level app.
"""

from service.app import create_app

__all__ = ["create_app"]
