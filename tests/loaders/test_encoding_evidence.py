"""Windows-1257 text that happens to hold a valid UTF-8 pair is still Windows-1257.

An upper-case Latvian letter before a typographic quote ("ĢIMENĒ”" is bytes C7 94 in
Windows-1257) is also valid UTF-8 (for "ǔ"). LibreOffice writes such files when it exports CSV
as Windows-1257; they must read as Windows-1257, and a file that really mixes UTF-8 Latvian text
with Windows-1257 must still be refused (INTERFACES.md §2).
"""

from __future__ import annotations

import pytest

from loaders.encoding import decode_text
from pvkg.errors import SourceSyntaxError

NAME = "Pieteikšanās atbalsta programmai „MĀJOKLIS ĢIMENĒ”"


def test_a_chance_utf8_pair_in_windows_1257_text_reads_as_windows_1257() -> None:
    data = f"Iestāde;Nosaukums\nDigitālā aģentūra;{NAME}\n".encode("cp1257")
    assert b"\xc7\x94" in data  # Ē” : a valid UTF-8 pair by chance
    assert decode_text(data, "f14.csv") == data.decode("cp1257")


@pytest.mark.parametrize("utf8_part", ["Iestāde", "„pēdiņas”", "a\u00a0b", "–"])
def test_real_utf8_latvian_text_next_to_windows_1257_is_refused(utf8_part: str) -> None:
    data = utf8_part.encode("utf-8") + b"\n" + "Ķekava".encode("cp1257") + b"\n"
    with pytest.raises(SourceSyntaxError, match="mixes encodings") as info:
        decode_text(data, "mixed.csv")
    assert info.value.location is not None and info.value.location.line == 2
