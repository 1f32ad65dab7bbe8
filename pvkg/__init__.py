"""pvkg: the knowledge graph and compliance service for Latvian public-service governance.

The package is layered like oxigraph's crate stack: ``pvkg`` (namespaces, errors, settings,
store) <- ``loaders`` (input files -> RDF) <- ``service`` (HTTP). Only :mod:`pvkg.cli` and
``service.app.create_app`` wire the layers together.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("pvkg")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"

__all__ = ["__version__"]
