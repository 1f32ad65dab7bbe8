"""Institution names in the store -> pvkg institution ids (for ``institution_resolver``).

The matching rule lives in :mod:`pvkg.institution_names`, shared with the institution registry
and the survey loader, so a name that resolves in one file resolves in the others.
"""

from __future__ import annotations

from pvkg.institution_names import InstitutionNames, institution_names

# the names portfolio readers and tests have used for the shared resolver
StoreResolver = InstitutionNames
store_resolver = institution_names

__all__ = ["StoreResolver", "store_resolver"]
