import pytest

from heard.errors import UnsafeSettings
from heard.settings import Settings


def test_development_defaults_are_allowed() -> None:
    assert Settings(env="development").is_sqlite


def test_production_refuses_the_development_secret() -> None:
    with pytest.raises(UnsafeSettings, match="HEARD_SECRET_KEY"):
        Settings(env="production")


def test_production_refuses_memory_event_log() -> None:
    with pytest.raises(UnsafeSettings, match="memory"):
        Settings(env="production", secret_key="s" * 40, event_log="memory")


def test_production_with_real_secret_starts() -> None:
    assert Settings(env="production", secret_key="s" * 40).env == "production"


def test_reads_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEARD_BRAND_HANDLES", '["AirlineCare"]')
    monkeypatch.setenv("HEARD_PORT", "9001")
    settings = Settings()
    assert settings.brand_handles == ["AirlineCare"]
    assert settings.port == 9001
