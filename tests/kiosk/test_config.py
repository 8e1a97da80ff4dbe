"""The typed config: the example is valid and complete, and every problem names its key."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from kiosk import config
from kiosk.config import Config, ConfigError

ROOT = Path(__file__).resolve().parents[2]


def _leaf_keys(model: type, prefix: str = "") -> set[str]:
    keys = set()
    for name, field in model.model_fields.items():  # type: ignore[attr-defined]
        if config._is_section(field.annotation):
            keys |= _leaf_keys(field.annotation, f"{prefix}{name}.")
        else:
            keys.add(f"{prefix}{name}")
    return keys


def _flatten(data: dict, prefix: str = "") -> set[str]:
    keys = set()
    for k, v in data.items():
        if isinstance(v, dict):
            keys |= _flatten(v, f"{prefix}{k}.")
        else:
            keys.add(f"{prefix}{k}")
    return keys


def test_example_file_is_valid_and_documents_every_key() -> None:
    path = ROOT / "config.example.toml"
    cfg = config.load(path)
    assert cfg == Config()  # the example shows the defaults
    documented = _flatten(tomllib.loads(path.read_text()))
    assert documented == _leaf_keys(Config)


def test_example_file_is_the_generated_one() -> None:
    assert (ROOT / "config.example.toml").read_text() == config.example_toml(), (
        "regenerate it: kiosk config example > config.example.toml"
    )


def test_every_key_has_a_doc_with_its_meaning() -> None:
    def walk(model: type, prefix: str = "") -> None:
        docs = config._attribute_docs(model)  # type: ignore[arg-type]
        for name, field in model.model_fields.items():  # type: ignore[attr-defined]
            if config._is_section(field.annotation):
                walk(field.annotation, f"{prefix}{name}.")
            else:
                assert docs.get(name), f"{prefix}{name} has no doc"

    walk(Config)


def test_unknown_key_and_wrong_type_are_both_named(tmp_path: Path) -> None:
    p = tmp_path / "c.toml"
    p.write_text('[kiosk]\nprofil = "boonterm"\n[devices.camera]\nwidth = "wide"\n')
    with pytest.raises(ConfigError) as e:
        config.load(p)
    assert any(line.startswith("kiosk.profil: unknown key") for line in e.value.problems)
    assert any(line.startswith("devices.camera.width: ") for line in e.value.problems)
    assert len(e.value.problems) == 2


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ('[kiosk]\nprofile = "atm"\n', "kiosk.profile"),
        ("[qr]\nlifetime_s = 600\n", "qr.lifetime_s"),
        ("[devices.printer]\nwidth_dots = 600\n", "devices.printer.width_dots"),
        ('[ui]\ntechnician_pin = "12"\n', "ui.technician_pin"),
        ("[nosuchsection]\nx = 1\n", "nosuchsection"),
    ],
)
def test_bad_values_name_the_key(tmp_path: Path, toml: str, key: str) -> None:
    p = tmp_path / "c.toml"
    p.write_text(toml)
    with pytest.raises(ConfigError) as e:
        config.load(p)
    assert e.value.problems[0].split(":")[0] == key


def test_syntax_error_and_missing_file_are_config_errors(tmp_path: Path) -> None:
    p = tmp_path / "c.toml"
    p.write_text("[kiosk\n")
    with pytest.raises(ConfigError, match="syntax"):
        config.load(p)
    with pytest.raises(ConfigError, match="does not exist"):
        config.load(tmp_path / "absent.toml")


def test_path_resolution_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(config.ENV_VAR, raising=False)
    assert config.resolve_path(None) == config.DEFAULT_PATH
    monkeypatch.setenv(config.ENV_VAR, str(tmp_path / "env.toml"))
    assert config.resolve_path(None) == tmp_path / "env.toml"
    assert config.resolve_path(tmp_path / "cli.toml") == tmp_path / "cli.toml"


def test_overrides_are_validated() -> None:
    cfg = config.with_overrides(Config(), **{"devices.card": {"backend": "simulated"}})
    assert cfg.devices.card.backend == "simulated"
    with pytest.raises(ConfigError, match="devices.card.backend"):
        config.with_overrides(Config(), **{"devices.card": {"backend": "magic"}})
