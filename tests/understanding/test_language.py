"""Language detection works offline from the model inside the installed wheel."""

from __future__ import annotations

import pytest

from heard.understanding.language import UNKNOWN, detect


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("@united my flight was delayed again and nobody tells us anything", "en"),
        ("¿Alguien sabe por qué el servicio no funciona hoy? llevo tres horas sin internet", "es"),
        ("Le service client est vraiment nul, trois heures d'attente au téléphone", "fr"),
        ("Mein Paket ist immer noch nicht angekommen, was ist da los?", "de"),
    ],
)
def test_detects_common_languages(text: str, code: str) -> None:
    found, confidence = detect(text)
    assert found == code
    assert confidence > 0.5


@pytest.mark.parametrize("text", ["", "   ", "😡😡😡", "@united", "https://t.co/abc", "12345 !!!"])
def test_nothing_to_read_is_unknown(text: str) -> None:
    assert detect(text) == (UNKNOWN, 0.0)
