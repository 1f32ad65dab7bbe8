"""Rows of cells (from CSV or Excel) to a :class:`~loaders.mapping.PortfolioRecord`.

Understands the template's layout (``portfolio_template.md``): an optional header block
(``Iestāde | Digitālā aģentūra``, ``Pakalpojumu kopuma vadītājs | Pēteris Liepiņš``, on one
row or two), the column headers on up to five rows (group headers and headers merged down above
the service-id header's row, sub-headers under it), then one row per service. Institution-defined
columns are kept on the service as ``rdfs:comment "<header>: <value>"``, with one warning per
such column. Totals rows, section titles and notes are not services: they are skipped with a
warning (loaders/README.md, "Rows that are not services").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS, SKOS

from loaders.headers import (
    FIELDS,
    HEADER_BLOCK_FIELDS,
    TYPE_FIELDS,
    is_figure,
    is_group_header,
    is_note_label,
    is_numbering_header,
    is_totals_label,
    match_header,
)
from loaders.identity import institution_slug, person_slug, unique_ids
from loaders.mapping import NO_INSTITUTION, PortfolioRecord, ServiceRecord, SourceCell
from loaders.normalise import (
    clean,
    is_blank,
    is_type_mark,
    normalise_priority,
    normalise_status,
    split_multi,
)
from pvkg.errors import Location, PayloadTooLarge, RowError, RowProblem, column_letter
from pvkg.namespaces import ADMS, CV, PV, SERVICE_TYPE, concept, institution_iri, portfolio_iri
from pvkg.settings import Settings

HEADER_SEARCH_ROWS = 50
FIELD_PROPERTIES: dict[str, URIRef] = {
    "institution": CV.hasCompetentAuthority,
    "portfolio_manager": PV.portfolioManager,
    "inst_service_id": DCTERMS.identifier,
    "register_service_id": PV.registerServiceId,
    "service_name_lv": DCTERMS.title,
    "need_lv": PV.satisfiesNeed,
    "priority": PV.priority,
    "status": ADMS.status,
    "service_manager": PV.serviceManager,
    **dict.fromkeys(TYPE_FIELDS, CV.isClassifiedBy),
}

# Fields whose cells may hold several values (split on ``;`` or line breaks).
MULTI_VALUED = frozenset({"status", "priority", "service_manager", "portfolio_manager"})
# Fields whose repeated columns are read together (values of both; a type marked in either);
# any other repeated field keeps its first column.
READ_TOGETHER = MULTI_VALUED | frozenset(TYPE_FIELDS)

_TYPE_CONCEPTS = {code: concept(SERVICE_TYPE, code) for code in TYPE_FIELDS.values()}

_ROW_NUMBER = re.compile(r"\d+\.?")
# A section's number: ``1``, ``1.``, ``2.3``, ``I``, ``iv)``, ``A.``; its services are numbered
# under it (``1.1``, ``1.2``).
_SECTION_NUMBER = re.compile(r"(?:\d+|[IVXLCDM]+|[A-Z])(?:\.\d+)*[.)]?", re.I)
_SPACE = re.compile(r"\s")

Row = tuple[int, list[str]]  # (1-based row number as the user sees it, cleaned cells)
Cell = tuple[int, str]  # (row, column letter) of a fact that is not a service's
Resolver = Callable[[str], str | None]
Dashes = dict[tuple[int, int], str]  # (row, column index) -> a cell's text that was only a dash


@dataclass
class _Layout:
    header_row: int
    fields: dict[str, int]  # field -> column index
    extra: dict[int, str]  # column index -> header text of institution-defined columns
    headers: dict[int, str]
    block: dict[str, tuple[str, int, int]]  # field -> (value, row, column index)
    # field -> later columns with the same header (read too, never dropped: see _values)
    repeats: dict[str, list[int]]
    numbering: frozenset[int] = frozenset()  # columns that only number the rows (ignored)


def read_rows(
    raw_rows: Iterable[tuple[int, list[object]]],
    filename: str,
    settings: Settings,
    resolve_institution: Resolver | None = None,
    sheet: str | None = None,
) -> PortfolioRecord:
    """Read a table of rows into a portfolio record.

    Raises:
        RowError: no service-id column, or rows that cannot be services (all listed at once).
        PayloadTooLarge: more rows or longer cells than the settings allow.
    """
    dashes: Dashes = {}
    rows = _clean_rows(raw_rows, filename, settings, sheet, dashes)
    layout, data_start = _find_layout(rows, filename, sheet)
    problems: list[RowProblem] = []
    warnings: list[str] = []
    data = rows[data_start:]
    above = rows[data_start - 1][0]  # the last header row
    if data and _is_count_row(data[0][1], layout):
        warnings.append(f"row {data[0][0]}: looks like a count-of-filled-cells row; skipped")
        above, data = data[0][0], data[1:]
    if len(data) > settings.max_rows:
        raise PayloadTooLarge(
            f"{len(data)} data rows; at most {settings.max_rows} are allowed (PVKG_MAX_ROWS)",
            location=Location(file=filename, sheet=sheet, row=data[settings.max_rows][0]),
        )
    data = _service_rows(data, layout, above, warnings)
    services, inst_names, managers = _read_services(
        data, layout, filename, sheet, problems, warnings, dashes
    )
    if problems:
        raise RowError(problems)
    if not services:  # an empty template would replace the institution's portfolio with nothing
        where = Location(
            file=filename,
            sheet=sheet,
            row=above + 1,
            column=column_letter(layout.fields["inst_service_id"]),
        )
        raise RowError(
            [
                RowProblem(
                    where,
                    f"no service rows under the header (row {layout.header_row}): "
                    "a portfolio lists at least one service; nothing is read",
                )
            ]
        )
    warnings += _column_warnings(layout, _unheaded_cells(data, layout))
    return _record(
        layout, services, inst_names, managers, filename, sheet, warnings, resolve_institution
    )


def _clean_rows(
    raw_rows: Iterable[tuple[int, list[object]]],
    filename: str,
    settings: Settings,
    sheet: str | None,
    dashes: Dashes,
) -> list[Row]:
    """The rows as cleaned text, without empty rows; ``dashes`` gets the cells that held only a
    dash (blank to every rule, but an error message may name what the cell held)."""
    rows: list[Row] = []
    limit = settings.max_rows + HEADER_SEARCH_ROWS + 1
    for number, raw in raw_rows:
        cells = [clean(value) for value in raw]
        _note_dashes(number, raw, cells, dashes)
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            continue
        for index, cell in enumerate(cells):
            if len(cell) > settings.max_cell_chars:
                raise PayloadTooLarge(
                    f"cell holds {len(cell)} characters; at most {settings.max_cell_chars} "
                    "are allowed (PVKG_MAX_CELL_CHARS)",
                    location=Location(
                        file=filename, sheet=sheet, row=number, column=column_letter(index)
                    ),
                )
        rows.append((number, cells))
        if len(rows) > limit:
            raise PayloadTooLarge(
                f"more than {settings.max_rows} data rows (PVKG_MAX_ROWS)",
                location=Location(file=filename, sheet=sheet, row=number),
            )
    return rows


def _note_dashes(number: int, raw: list[object], cells: list[str], dashes: Dashes) -> None:
    """Remember the cells of a row that ``clean`` emptied although they held a dash."""
    for index, cell in enumerate(cells):
        value = raw[index]
        if not cell and isinstance(value, str) and value.strip():
            dashes[(number, index)] = value.strip()


def _find_layout(rows: list[Row], filename: str, sheet: str | None) -> tuple[_Layout, int]:
    block: dict[str, tuple[str, int, int]] = {}
    likely: tuple[int, int, list[str]] | None = None  # (columns named, row, their texts)
    for position, (number, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        matched = {index: match_header(cell) for index, cell in enumerate(cells)}
        if "inst_service_id" in matched.values():
            return _column_layout(rows, position, block), _skip_subheaders(rows, position)
        _read_block_row(number, cells, matched, block)
        named = [cells[i] for i, f in matched.items() if f and f not in HEADER_BLOCK_FIELDS]
        if len(named) >= 2 and (likely is None or len(named) > likely[0]):
            likely = (len(named), number, named)
    first = rows[0][0] if rows else 1
    expected = " or ".join(repr(t) for t in FIELDS["inst_service_id"][:2])
    message = f"no service-id column: expected a header row with {expected}"
    if likely is not None:  # the row the user thinks is the header
        _, first, named = likely
        shown = ", ".join(repr(text) for text in named[:3])
        message = (
            f"no service-id column: row {first} looks like the header (it names {shown}) but "
            f"no cell of it is {expected}"
        )
    raise RowError(
        [
            RowProblem(
                Location(file=filename, sheet=sheet, row=first),
                message + ("" if rows else " (the file is empty)"),
            )
        ]
    )


def _read_block_row(
    number: int, cells: list[str], matched: dict[int, str | None], block: dict
) -> None:
    """A header-block row: ``Iestāde | Digitālā aģentūra`` in two cells, or in one cell as
    ``Iestāde: Digitālā aģentūra``. Both fields may share one row (``Iestāde: | Digitālā
    aģentūra | | Pakalpojumu kopuma vadītājs: | Pēteris Liepiņš``), so every label is read. A
    label without a value is kept as '' with the cell where the value belongs, so C12 can point
    at that cell."""
    index = 0
    while index < len(cells):
        field = matched.get(index)
        if field in HEADER_BLOCK_FIELDS:
            value_index = next((i for i in range(index + 1, len(cells)) if cells[i]), len(cells))
            if value_index < len(cells) and not _is_block_label(cells[value_index]):
                _put_block(block, field, cells[value_index], number, value_index)
                index = value_index
            else:  # no value before the row ends or the next label
                _put_block(block, field, "", number, index + 1)
        elif in_cell := _block_in_cell(cells[index]):
            _put_block(block, *in_cell, number, index)
        index += 1


def _block_in_cell(text: str) -> tuple[str, str] | None:
    """(field, value) of a header-block label and its value in one cell (``Iestāde: X``)."""
    label, colon, value = text.partition(":")
    field = match_header(label) if colon and value else None
    if field in HEADER_BLOCK_FIELDS:
        return field, "" if is_blank(value) else value.strip()
    return None


def _is_block_label(text: str) -> bool:
    """A header-block label, alone (``Iestāde:``) or with its value in the cell."""
    return match_header(text) in HEADER_BLOCK_FIELDS or _block_in_cell(text) is not None


def _put_block(block: dict, field: str, value: str, row: int, index: int) -> None:
    """The first value given for a header-block field counts; an empty one only until a value
    comes."""
    if field not in block or (value and not block[field][0]):
        block[field] = (value, row, index)


def _subheader_rows(rows: list[Row], position: int) -> list[Row]:
    """Rows right under the header row that carry only headers (two-level template header)."""
    found = []
    for number, cells in rows[position + 1 : position + 3]:
        texts = [c for c in cells if c]
        if texts and all(match_header(c) or is_group_header(c) for c in texts):
            found.append((number, cells))
        else:
            break
    return found


def _header_rows_above(rows: list[Row], position: int) -> list[Row]:
    """Up to two group-header rows right above the header row, nearest first. The template's
    three-level header puts ``Prioritāte``, ``Statuss``, ``Pakalpojuma vadītājs`` in its top row
    (merged down), beside the group headers, above the row of the service-id header. A row is
    one only with no blank row between and no header-block label in it (that is the block)."""
    found: list[Row] = []
    below = rows[position][0]
    for number, cells in reversed(rows[max(0, position - 2) : position]):
        if number != below - 1 or not _is_header_row_above(cells):
            break
        found.append((number, cells))
        below = number
    return found


def _is_header_row_above(cells: list[str]) -> bool:
    texts = [c for c in cells if c]
    if any(_is_block_label(c) for c in texts):
        return False
    return any(is_group_header(c) or match_header(c) for c in texts)


def _skip_subheaders(rows: list[Row], position: int) -> int:
    return position + 1 + len(_subheader_rows(rows, position))


def _column_layout(rows: list[Row], position: int, block: dict) -> _Layout:
    number, cells = rows[position]
    headers = dict(enumerate(cells))
    for _, sub in _subheader_rows(rows, position):
        _add_headers(headers, sub)
    for _, upper in _header_rows_above(rows, position):
        _add_headers(headers, upper)
    fields: dict[str, int] = {}
    repeats: dict[str, list[int]] = {}
    extra: dict[int, str] = {}
    numbering: set[int] = set()
    named = {i: text for i, text in sorted(headers.items()) if text and not is_group_header(text)}
    exact = {i: match_header(text, loose=False) for i, text in named.items()}
    exactly_headed = set(exact.values())
    for index, text in named.items():
        field = exact[index]
        if field is None:  # a hint or missing diacritics: only for a field no column names exactly
            loose = match_header(text)
            field = loose if loose not in exactly_headed else None
        if field is None and is_numbering_header(text):
            numbering.add(index)
        elif field is None:
            extra[index] = text
        elif field not in fields:
            fields[field] = index
        else:
            repeats.setdefault(field, []).append(index)
    return _Layout(number, fields, extra, headers, block, repeats, frozenset(numbering))


def _add_headers(headers: dict[int, str], row: list[str]) -> None:
    """Another header row's texts, where they name a column better: a column without a header
    (or only a group header) takes the text; a template header beats an unknown text."""
    for index, text in enumerate(row):
        have = headers.get(index, "")
        fills_gap = not have or is_group_header(have)
        if text and (fills_gap or (match_header(text) and not match_header(have))):
            headers[index] = text


def _column_warnings(layout: _Layout, unheaded: dict[int, list[int]]) -> list[str]:
    """One warning per column that is not simply read: a repeated heading, an institution's
    own column (kept as a comment), and values in a column without a header (not read)."""
    warnings = []
    for name, indices in layout.repeats.items():
        first = column_letter(layout.fields[name])
        how = (
            "values of both are read"
            if name in READ_TOGETHER
            else "the first is read, and rows where they differ are named"
        )
        for index in indices:
            warnings.append(
                f"column {column_letter(index)} ({layout.headers[index]!r}) repeats the heading "
                f"of column {first}; {how}"
            )
    for index, header in sorted(layout.extra.items()):
        warnings.append(
            f"column {column_letter(index)} ({header!r}) is not a template column; "
            "kept as rdfs:comment on each service"
        )
    for index, numbers in sorted(unheaded.items()):
        above = layout.headers.get(index, "")
        group = f" (only the group header {above!r})" if above else ""
        warnings.append(
            f"column {column_letter(index)} has no column header{group} but holds values in "
            f"{len(numbers)} service rows (first: row {numbers[0]}); they are not read"
        )
    return warnings


def _unheaded_cells(data: list[Row], layout: _Layout) -> dict[int, list[int]]:
    """Column index -> the rows holding a value in a column no header names (nothing reads
    it, so the user must at least be told)."""
    named = {*layout.fields.values(), *layout.extra, *layout.numbering}
    named.update(i for indices in layout.repeats.values() for i in indices)
    found: dict[int, list[int]] = {}
    for number, cells in data:
        for index, text in enumerate(cells):
            if text and index not in named:
                found.setdefault(index, []).append(number)
    return found


def _service_rows(data: list[Row], layout: _Layout, above: int, warnings: list[str]) -> list[Row]:
    """The rows that are services (or service rows without an id, an error). Rows that only
    carry a row number are blank; totals rows, section titles and notes are skipped with a
    warning naming the row (loaders/README.md, "Rows that are not services")."""
    rows = [(number, cells) for number, cells in data if not _only_numbered(cells, layout)]
    notes_from = _notes_start(rows, layout, above)
    kept: list[Row] = []
    for position, (number, cells) in enumerate(rows):
        why = _not_a_service(cells, layout)
        if why is None and position >= notes_from:
            why = "a note below the table"
        if why is None and _is_section_row(cells, rows[position + 1 : position + 2], layout):
            why = "a section title: its number begins the numbers of the rows below it"
        if why is None and _is_numbered_title(cells, layout):
            why = "a section title: a section number and a title, nothing else"
        if why is None:
            kept.append((number, cells))
            continue
        text = " | ".join(c for c in cells if c)
        text = text if len(text) <= 60 else text[:59] + "…"
        warnings.append(f"row {number}: {text!r} is not a service ({why}); skipped")
    return kept


def service_rows_seen(data: list[Row], layout: _Layout, above: int) -> int:
    """How many of ``data`` (rows under the header) are services with an id, as
    :func:`read_rows` would read them (notes, titles and totals rows do not count)."""
    id_index = layout.fields["inst_service_id"]
    kept = _service_rows(data, layout, above, [])
    return sum(1 for _, cells in kept if id_index < len(cells) and cells[id_index])


def _only_numbered(cells: list[str], layout: _Layout) -> bool:
    """A row with nothing but its number in a numbering column (a form's empty numbered row)."""
    return bool(layout.numbering) and all(
        not text or (index in layout.numbering and _ROW_NUMBER.fullmatch(text))
        for index, text in enumerate(cells)
    )


def _not_a_service(cells: list[str], layout: _Layout) -> str | None:
    """Why a row in the table is not a service, or None: a totals row (see
    :func:`_is_totals_row`), or a section title or note as its only text, in the id column
    (written unlike an identifier) or left of it (not in a template column). A service row
    without an id is None: it is an error, as before."""
    id_index = layout.fields["inst_service_id"]
    if _is_totals_row(cells, layout):
        return "a totals row"
    first = next((i for i, text in enumerate(cells) if text), len(cells))
    if first > id_index:
        return None
    if len(cells) > first + 1:  # other cells hold text too
        return None
    if first == id_index and not _reads_as_identifier(cells[first]):
        return "a section title or note in the id column"
    if first < id_index and first not in layout.fields.values():
        return "a section title or note left of the id column"
    return None


def _is_totals_row(cells: list[str], layout: _Layout) -> bool:
    """A totals label (``Kopā:``, ``Total``) as the first text, in the id column, left of it or
    in the name column (the id then empty), and nothing but figures after it (the counts under
    the type columns). Its shape, not the label alone: a service whose id reads like a label
    (``Total``, ``Kopā 3``) has a title, type marks, a manager."""
    texts = [(i, text) for i, text in enumerate(cells) if text]
    if not texts:
        return False
    first = texts[0][0]
    if first > layout.fields["inst_service_id"] and first != layout.fields.get("service_name_lv"):
        return False
    return is_totals_label(texts[0][1]) and all(is_figure(text) for _, text in texts[1:])


def _is_section_row(cells: list[str], following: list[Row], layout: _Layout) -> bool:
    """A numbered section title (``1 | Sociālie pakalpojumi``, ``1. | Nodokļi | | Nodokļu
    pakalpojumi``): a section number in the id column or in a numbering column (``Nr.p.k.``), a
    title (in the id or name column) and nothing else, and the next row numbered under it in
    the same column (``1.1``). A row with a type mark, status, priority or manager is a
    service, whatever its number."""
    if not following:
        return False
    found = _section_number(cells, layout)
    if found is None:
        return False
    index, number = found
    id_index = layout.fields["inst_service_id"]
    name_index = layout.fields.get("service_name_lv")
    if index == id_index and not _cell(cells, layout, "service_name_lv"):
        return False
    titled = {id_index, name_index} - {None}
    others = [i for i, text in enumerate(cells) if text and i != index]
    if not others or any(i not in titled | layout.numbering for i in others):
        return False
    number = number.rstrip(".)")
    below_cells = following[0][1]
    below = below_cells[index] if index < len(below_cells) else ""
    return len(below) > len(number) + 1 and below.casefold().startswith(f"{number}.".casefold())


def _section_number(cells: list[str], layout: _Layout) -> tuple[int, str] | None:
    """(column index, text) of a row's section number: in the id column, else in a numbering
    column."""
    for index in (layout.fields["inst_service_id"], *sorted(layout.numbering)):
        if index < len(cells) and _SECTION_NUMBER.fullmatch(cells[index]):
            return index, cells[index]
    return None


def _is_numbered_title(cells: list[str], layout: _Layout) -> bool:
    """A section title beside its number in a numbering column (``1. | Nodokļu pakalpojumi``,
    ``I | Sociālie pakalpojumi``): the row's only other text is a title written unlike an
    identifier in the id column, or a title in the name column with the id empty. A one-word
    id or an id with a title is a service unless the next rows are numbered under it
    (:func:`_is_section_row`)."""
    numbers = {
        i for i in layout.numbering if i < len(cells) and _SECTION_NUMBER.fullmatch(cells[i])
    }
    rest = [(i, text) for i, text in enumerate(cells) if text and i not in numbers]
    if not numbers or len(rest) != 1:
        return False
    index, text = rest[0]
    if index == layout.fields["inst_service_id"]:
        return not _reads_as_identifier(text)
    return index == layout.fields.get("service_name_lv")


def _notes_start(rows: list[Row], layout: _Layout, above: int) -> int:
    """Where the notes under the table begin: the first row after a blank row below which no
    row reads as a service. ``len(rows)`` when the table runs to the end."""
    last = len(rows) - 1
    while last >= 0 and not _reads_as_service(rows[last][1], layout):
        last -= 1
    previous = rows[last][0] if last >= 0 else above
    for position in range(last + 1, len(rows)):
        if rows[position][0] > previous + 1:
            return position
        previous = rows[position][0]
    return len(rows)


def _reads_as_service(cells: list[str], layout: _Layout) -> bool:
    """An identifier in the id column, an id with a title (``PK 12 | Jauns pakalpojums``), or a
    service's coded values: a type mark, a status or a priority pvkg knows. A note
    (``Sagatavoja: | P. Liepiņš``, ``* | …``, ``Piezīme …``) has none of them."""
    if _is_totals_row(cells, layout):
        return False
    service_id = _cell(cells, layout, "inst_service_id")
    named = _reads_as_identifier(service_id) or bool(_cell(cells, layout, "service_name_lv"))
    if (
        service_id
        and named
        and not _labels_a_value(cells, layout)
        and not is_note_label(service_id)
    ):
        return True
    if any(
        is_type_mark(v)
        for f in TYPE_FIELDS
        if f in layout.fields
        for _, v in _values(cells, layout, f)
    ):
        return True
    coded = [normalise_status(v) for v in split_multi(_cell(cells, layout, "status"))]
    coded += [normalise_priority(v) for v in split_multi(_cell(cells, layout, "priority"))]
    return any(isinstance(value, URIRef) for value in coded)


def _labels_a_value(cells: list[str], layout: _Layout) -> bool:
    """A footer's ``label | value`` row (``Sagatavoja | Anna Bērziņa``, ``Tālrunis |
    67012345``): a text in the id column, no title, and a value in another column. Below the
    table's blank row it is a note unless it has a type mark, status or priority."""
    if not _cell(cells, layout, "inst_service_id") or _cell(cells, layout, "service_name_lv"):
        return False
    id_index = layout.fields["inst_service_id"]
    return any(text and i != id_index for i, text in enumerate(cells))


def _reads_as_identifier(text: str) -> bool:
    """An identifier is one word (``DA-001``, ``00101``); a title or a ``Label:`` is not."""
    return not text.endswith(":") and _SPACE.search(text) is None


def _is_count_row(cells: list[str], layout: _Layout) -> bool:
    """The template's "9 - 9 - 0 - …" row of filled-cell counts under the headers."""
    values = [c for c in cells if c]
    return (
        len(values) >= 3
        and all(c.isdigit() for c in values)
        and "status" in layout.fields
        and (
            cells[layout.fields["status"]] if layout.fields["status"] < len(cells) else ""
        ).isdigit()
    )


def _cell(cells: list[str], layout: _Layout, field: str) -> str:
    """The field's text in a row; a repeated multi-valued column adds its values as more lines
    (two status columns give two statuses, which C07 reports, instead of losing one)."""
    index = layout.fields.get(field)
    first = cells[index] if index is not None and index < len(cells) else ""
    if field not in layout.repeats or field not in MULTI_VALUED:
        return first
    return "\n".join(dict.fromkeys(value for _, value in _values(cells, layout, field)))


def _values(cells: list[str], layout: _Layout, field: str) -> list[tuple[int, str]]:
    """(column index, text) of every non-empty column of the field, the first column first."""
    indices = [layout.fields[field], *layout.repeats.get(field, ())]
    return [(i, cells[i]) for i in indices if i < len(cells) and cells[i]]


def _repeat_warnings(number: int, cells: list[str], layout: _Layout, warnings: list[str]) -> None:
    """A repeated single-valued column whose text differs from the first column's: the first is
    read, and the row and both columns are named."""
    for field in layout.repeats:
        if field in READ_TOGETHER:
            continue
        found = _values(cells, layout, field)
        first = found[0][1] if found else ""
        for index, value in found[1:]:
            if value != first:
                warnings.append(
                    f"row {number}, column {column_letter(index)}: {value!r} differs from "
                    f"column {column_letter(layout.fields[field])} of the same heading "
                    f"({first!r}); that first column is read"
                )


def _read_services(
    data: list[Row],
    layout: _Layout,
    filename: str,
    sheet: str | None,
    problems: list[RowProblem],
    warnings: list[str],
    dashes: Dashes,
) -> tuple[list[ServiceRecord], list[tuple[str, int]], list[tuple[str, int]]]:
    services: list[ServiceRecord] = []
    institutions: list[tuple[str, int]] = []
    managers: list[tuple[str, int]] = []
    id_col = column_letter(layout.fields["inst_service_id"])
    for number, cells in data:
        if layout.repeats:
            _repeat_warnings(number, cells, layout, warnings)
        service_id = _cell(cells, layout, "inst_service_id")
        if inst := _cell(cells, layout, "institution"):
            institutions.append((inst, number))
        for name in split_multi(_cell(cells, layout, "portfolio_manager")):
            managers.append((name, number))
        if not service_id:
            dash = dashes.get((number, layout.fields["inst_service_id"]))
            problems.append(
                RowProblem(
                    Location(file=filename, sheet=sheet, row=number, column=id_col),
                    _empty_id_message(dash),
                )
            )
            continue
        services.append(_service(number, cells, layout, warnings))
    for svc, local in zip(services, unique_ids([s.service_id for s in services]), strict=True):
        svc.local_id = local
    return services, institutions, managers


def _empty_id_message(dash: str | None) -> str:
    """Why a service row's id is missing: an empty cell, or one holding only a dash."""
    if dash is None:
        return "the service identifier is empty; every service row needs one"
    return (
        f"the service identifier is empty: it holds only a dash ({dash!r}), which the template "
        "uses for 'none'; every service row needs an identifier"
    )


def _service(
    number: int,
    cells: list[str],
    layout: _Layout,
    warnings: list[str],
) -> ServiceRecord:
    svc = ServiceRecord(_cell(cells, layout, "inst_service_id"), row=number)
    if reg := _cell(cells, layout, "register_service_id"):
        svc.register_ids.append(reg)
    if name := _cell(cells, layout, "service_name_lv"):
        svc.titles.append(Literal(name, lang="lv"))
    if need := _cell(cells, layout, "need_lv"):
        svc.needs.append(need)
    for field, code in TYPE_FIELDS.items():
        if field not in layout.fields:
            continue
        marked = False
        for index, value in _values(cells, layout, field):  # a repeated type column: any mark
            mark = is_type_mark(value)
            marked = marked or bool(mark)
            if mark is None:
                warnings.append(
                    f"row {number}, column {column_letter(index)}: type mark {value!r} is not "
                    "understood (expected X, x, ✓, 1, jā or empty); read as no mark"
                )
        if marked:
            svc.types.append(_TYPE_CONCEPTS[code])
    svc.statuses = [normalise_status(v) for v in split_multi(_cell(cells, layout, "status"))]
    svc.priorities = [normalise_priority(v) for v in split_multi(_cell(cells, layout, "priority"))]
    svc.managers = split_multi(_cell(cells, layout, "service_manager"))
    for manager in svc.managers:
        names = [part.strip() for part in manager.split(",")]
        # full names each ("Jānis Bērziņš, Anna Ozoliņa"), not a name and a post
        # ("Jānis Bērziņš, nodaļas vadītājs") or "Bērziņš, Jānis"
        if len(names) > 1 and all(_looks_like_full_name(name) for name in names):
            column = column_letter(layout.fields["service_manager"])
            warnings.append(
                f"row {number}, column {column}: {manager!r} looks like {len(names)} people "
                "separated by ','; it is read as one name: separate people with ';' or a line "
                "break"
            )
    for index, header in layout.extra.items():
        if index < len(cells) and cells[index]:
            svc.comments.append(Literal(f"{header}: {cells[index]}"))
    return svc


def _looks_like_full_name(text: str) -> bool:
    words = text.split()
    return len(words) >= 2 and all(word[:1].isupper() for word in words)


def _record(
    layout: _Layout,
    services: list[ServiceRecord],
    institutions: list[tuple[str, int]],
    managers: list[tuple[str, int]],
    filename: str,
    sheet: str | None,
    warnings: list[str],
    resolve_institution: Resolver | None,
) -> PortfolioRecord:
    name, name_cell = _institution_name(layout, institutions, services, warnings)
    inst_id = _institution_id(name, filename, resolve_institution, warnings)
    name = canonical_name(resolve_institution, inst_id, name)
    inst = institution_iri(inst_id)
    cells: list[SourceCell] = []
    if name_cell is not None:  # the name's cell, or (C12) the empty cell where it belongs
        subject, prop = (
            (inst, SKOS.prefLabel) if name else (portfolio_iri(inst_id), DCTERMS.publisher)
        )
        cells.append(SourceCell(subject, prop, *name_cell))
    manager_names, manager_cell = _portfolio_managers(layout, managers)
    if manager_cell is not None:
        cells.append(SourceCell(inst, PV.portfolioManager, *manager_cell))
    placed = list(layout.fields.items())
    placed += [(f, i) for f, indices in layout.repeats.items() for i in indices]
    columns = [
        (FIELD_PROPERTIES[field], column_letter(index), layout.headers[index])
        for field, index in sorted(placed, key=lambda item: item[1])
    ]
    columns += [(RDFS.comment, column_letter(i), h) for i, h in sorted(layout.extra.items())]
    return PortfolioRecord(
        institution_id=inst_id,
        institution_name=name,
        filename=filename,
        managers=manager_names,
        services=services,
        sheet=sheet,
        columns=columns,
        cells=cells,
        warnings=warnings,
    )


def _institution_name(
    layout: _Layout,
    institutions: list[tuple[str, int]],
    services: list[ServiceRecord],
    warnings: list[str],
) -> tuple[str, Cell | None]:
    """The institution's name and its cell: the header block's, else the column's first. With no
    name, the empty cell where it belongs (block value cell, or the first row's column cell)."""
    block = layout.block.get("institution")
    if block and block[0]:
        return block[0], (block[1], column_letter(block[2]))
    if institutions:
        name, row = institutions[0]
        others = sorted({n for n, _ in institutions if n.casefold() != name.casefold()})
        if others:
            warnings.append(
                f"rows name other institutions too ({', '.join(others)}); one file is one "
                f"institution's portfolio: all services are stored under {name!r}"
            )
        return name, (row, column_letter(layout.fields["institution"]))
    if block:
        return "", (block[1], column_letter(block[2]))
    if "institution" in layout.fields and services and services[0].row is not None:
        return "", (services[0].row, column_letter(layout.fields["institution"]))
    return "", None


def _portfolio_managers(
    layout: _Layout, managers: list[tuple[str, int]]
) -> tuple[list[str], Cell | None]:
    """The portfolio managers' names and the cell a C01/C12 result points at: for several
    people, the first name that is another person than the first (the conflicting one, C01);
    for none, the empty header-block cell where a name belongs (C12)."""
    block = layout.block.get("portfolio_manager")
    if block and block[0]:
        return split_multi(block[0]), (block[1], column_letter(block[2]))
    if managers:
        first = person_slug(managers[0][0])
        row = next((r for n, r in managers if person_slug(n) != first), managers[0][1])
        names = list(dict.fromkeys(n for n, _ in managers))
        return names, (row, column_letter(layout.fields["portfolio_manager"]))
    if block:
        return [], (block[1], column_letter(block[2]))
    return [], None


def canonical_name(resolve: Resolver | None, institution_id: str, name: str) -> str:
    """The resolver's own name for a resolved institution (if it offers one), else ``name``."""
    label = getattr(resolve, "label", None)
    found = label(institution_id) if name and callable(label) else None
    return str(found) if found else name


def _institution_id(
    name: str, filename: str, resolve_institution: Resolver | None, warnings: list[str]
) -> str:
    if name and resolve_institution is not None:
        found = resolve_institution(name)
        if found:
            return str(found)
    if name:
        return institution_slug(name) or "institution"
    stem = filename.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    inst_id = institution_slug(stem) or "institution"
    warnings.append(
        f"{NO_INSTITUTION} (no 'Iestāde' header row or 'institution' column, or "
        f"they are empty); stored under the id {inst_id!r} taken from the file name"
    )
    return inst_id
