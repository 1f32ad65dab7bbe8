"""Submitting a portfolio: validate it against the policy, then store it as the institution's
new current version together with its report. Used by ``pvkg load``, ``pvkg serve --demo`` and
``PUT /portfolios/{institution}``, so that every way in stores the same things."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pvkg.portfolios import StoredVersion, store_portfolio
from pvkg.report_refresh import refresh_reports, register_ids, sharing_institutions
from pvkg.settings import Settings
from pvkg.store import Store
from pvkg.validation import Report, report_registry_triples, validate_portfolios

if TYPE_CHECKING:
    from loaders import LoadedPortfolio


@dataclass(frozen=True)
class Submission:
    """What a submission produced: the stored version and the report stored with it."""

    stored: StoredVersion
    report: Report
    # other institutions whose C22 results the submission changes (they share, or shared, a
    # unified-register id with it), by institution id; their reports are stale until refreshed
    affected: tuple[str, ...] = ()
    # those whose stored report was replaced already (``refresh=True``)
    refreshed: dict[str, Report] = field(default_factory=dict)


def submit_portfolio(
    store: Store,
    loaded: LoadedPortfolio,
    *,
    settings: Settings,
    submitter: str | None = None,
    refresh: bool = True,
) -> Submission:
    """Validate ``loaded`` incrementally against the store, then store it with its report.

    A file that breaks policy rules is stored all the same (compliance is tracked, not enforced).
    ``refresh``: replace the stored reports of the institutions it affects now; a caller storing
    many files passes False and refreshes the ``affected`` ones once, at the end
    (:func:`pvkg.report_refresh.refresh_reports`).

    Raises:
        StoreError: the store failed; the previous version stays current.
    """
    report = validate_portfolios([loaded], profile="policy", store=store, settings=settings)
    before = register_ids(store, loaded.institution_id)
    stored = store_portfolio(
        store,
        loaded,
        submitter=submitter,
        # N-Triples text: the store parses it natively; no rdflib Graph is built for it
        extra_graphs={"{version}/validation": report.ntriples()},
        extra_registry=report_registry_triples(report),
    )
    if not stored.created:
        return Submission(stored, report)
    # C22 on the other side: institutions sharing an id the old or the new version carries
    ids = before | register_ids(store, loaded.institution_id)
    others = tuple(sharing_institutions(store, ids, loaded.institution_id))
    if not refresh:
        return Submission(stored, report, others)
    refreshed = refresh_reports(store, list(others), settings=settings)
    return Submission(stored, report, others, refreshed)
