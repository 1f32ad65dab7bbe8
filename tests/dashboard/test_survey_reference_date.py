"""The data-freshness figures say which date they count to (analyst audit 2, defect 3): the
days run to the published survey's date, 12.01.2026, not to today, and the page said only
"Dienas kopš / Days since"."""

from __future__ import annotations

from pvkg.curated import find_query, run_curated
from pvkg.dashboard import survey_panel_html
from pvkg.settings import Settings
from pvkg.store import Store


def test_every_row_names_its_reference_date(memory_store: Store, settings: Settings) -> None:
    query = find_query(settings.queries_dir, "survey_freshness")
    rows = run_curated(memory_store, query, {}).dicts()
    assert rows and {str(r["reference_date"]) for r in rows} == {"2026-01-12"}
    today = run_curated(memory_store, query, {"today": "2026-11-23"}).dicts()
    assert {str(r["reference_date"]) for r in today} == {"2026-11-23"}
    assert "--param today=YYYY-MM-DD" in query.description


def test_the_panel_says_the_date_it_counts_to(memory_store: Store, settings: Settings) -> None:
    panel = survey_panel_html(memory_store, settings)
    assert "<th>Dienas līdz 12.01.2026 / Days to 12 Jan 2026</th>" in panel
    assert "Dienas kopš" not in panel
    assert "survey_freshness?today=YYYY-MM-DD" in panel
