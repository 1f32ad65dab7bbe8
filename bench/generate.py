"""Generate synthetic portfolio files (CSV or XLSX) of any size for benchmarks and crash tests.

python bench/generate.py 1000 bench/data/portfolio_1000.xlsx
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from loaders.headers import FIELDS

HEADER = list(FIELDS)  # the English columns of portfolio_example.csv, in order
STATUSES = ["plānošana", "izstrāde", "ieviešana", "sniegšana", "likvidēšana", "likvidēts"]
PRIORITIES = ["augsta", "vidēja", "zema", ""]
MANAGERS = ["Ilze Kalniņa", "Jānis Ozols", "Andris Bērziņš", "Anna Liepa", "Māris Kalns"]


def rows(
    count: int, institution: str = "Sintētiskā iestāde", prefix: str = "SI"
) -> list[list[str]]:
    """``count`` service rows in the columns of ``portfolio_example.csv``."""
    result = []
    for i in range(1, count + 1):
        marks = ["", "", "", ""]
        marks[i % 4] = "X"
        result.append(
            [
                institution,
                "Pēteris Liepiņš",
                f"{prefix}-{i:05d}",
                f"{i:05d}",
                f"Pakalpojums numur {i} ({prefix})",
                f"Vajadzība {i % 50}",
                *marks,
                PRIORITIES[i % 4],
                STATUSES[i % 6],
                MANAGERS[i % len(MANAGERS)],
            ]
        )
    return result


def write(
    path: Path, count: int, institution: str = "Sintētiskā iestāde", prefix: str = "SI"
) -> Path:
    """Write a CSV or XLSX portfolio (by extension) with ``count`` services."""
    data = rows(count, institution, prefix)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("Pakalpojumi")
        sheet.append(HEADER)
        for row in data:
            sheet.append(row)
        book.save(path)
    else:
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(HEADER)
            writer.writerows(data)
    return path


if __name__ == "__main__":
    write(Path(sys.argv[2]), int(sys.argv[1]))
