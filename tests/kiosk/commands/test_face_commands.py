"""`kiosk camera snapshot`, `kiosk face verify|eval|live` and the doctor's camera/face checks, run
through the real CLI entry point on the fixtures and the simulated camera."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import cv2
import pytest

from drivers.camera.simulated import load_scene
from kiosk import config as config_mod
from kiosk.cli import main
from kiosk.doctor import DoctorContext, run_checks

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "faces"
CHIP = FIXTURES / "chip_a.jpg"


@pytest.fixture
def cfg_file(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text('[devices.camera]\nbackend = "simulated"\nwatchdog_s = 0.5\n[face]\nchallenge_timeout_s = 2.0\n')
    return path


@pytest.fixture
def scenes(tmp_path: Path) -> dict[str, Path]:
    out = {}
    for name in ("person_a.jpg", "person_b.jpg"):
        image, _ = load_scene(name)
        out[name] = tmp_path / name
        cv2.imwrite(str(out[name]), image)
    return out


def test_snapshot_writes_a_jpeg(cfg_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "snap.jpg"
    assert main(["camera", "snapshot", "--config", str(cfg_file), "--out", str(out)]) == 0
    image = cv2.imread(str(out))
    assert image is not None and image.shape == (480, 640, 3)
    assert "simulated:genuine" in capsys.readouterr().out


def test_snapshot_without_a_camera_names_the_cause(cfg_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["camera", "snapshot", "--config", str(cfg_file), "--backend", "opencv", "--device", str(tmp_path / "video7")])
    err = capsys.readouterr().err
    assert code == 1 and "error: no camera at" in err and "Traceback" not in err


def test_verify_json_for_genuine_and_impostor(cfg_file: Path, scenes: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    base = ["face", "verify", "--config", str(cfg_file), "--reference", str(CHIP), "--json", "--probe"]
    assert main([*base, str(scenes["person_a.jpg"])]) == 0
    genuine = json.loads(capsys.readouterr().out)
    assert genuine["match"] is True and genuine["distance"] <= genuine["threshold"] and genuine["faces"] == 1
    assert genuine["quality"]["reasons"] == [] and genuine["quality"]["ok"] is True
    assert main([*base, str(scenes["person_b.jpg"])]) == 1
    impostor = json.loads(capsys.readouterr().out)
    assert impostor["match"] is False and impostor["distance"] > impostor["threshold"]


def test_verify_reports_quality_reasons_of_a_poor_probe(cfg_file: Path, scenes: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dark = tmp_path / "dark.jpg"
    cv2.imwrite(str(dark), (cv2.imread(str(scenes["person_a.jpg"])) * 0.35).astype("uint8"))
    main(["face", "verify", "--config", str(cfg_file), "--reference", str(CHIP), "--probe", str(dark), "--json"])
    assert "too_dark" in json.loads(capsys.readouterr().out)["quality"]["reasons"]


def test_verify_with_a_chip_photo_without_face(cfg_file: Path, tmp_path: Path, scenes: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    blank = tmp_path / "blank.jpg"
    cv2.imwrite(str(blank), cv2.resize(cv2.imread(str(scenes["person_a.jpg"]))[0:60, 0:60], (148, 178)))
    code = main(["face", "verify", "--config", str(cfg_file), "--reference", str(blank), "--probe", str(scenes["person_a.jpg"])])
    err = capsys.readouterr().err
    assert code == 1 and "no face can be found on the chip photo" in err


def test_eval_prints_fmr_fnmr_and_the_strict_threshold(cfg_file: Path, scenes: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(CHIP, tmp_path / "chip_a.jpg")
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("reference,probe,same_person\nchip_a.jpg,person_a.jpg,1\nchip_a.jpg,person_b.jpg,0\n")
    assert main(["face", "eval", "--config", str(cfg_file), "--pairs", str(pairs), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["genuine"] == 1 and data["impostor"] == 1
    assert data["fmr"] == 0.0 and data["fnmr"] == 0.0
    assert data["fmr_ci95"] == [0.0, 0.975] and data["fnmr_ci95"] == [0.0, 0.975]  # exact: 0 of 1
    assert config_mod.FaceSection().match_threshold < data["threshold_fmr_1e4"] < 0.9
    assert data["fnmr_at_threshold_fmr_1e4"] == 0.0
    assert "10000" in data["note"] and data["bands"] == {}
    # a threshold too loose lets the impostor through: FMR 100 %
    loose = tmp_path / "loose.toml"
    loose.write_text("[face]\nmatch_threshold = 1.0\n")
    main(["face", "eval", "--config", str(loose), "--pairs", str(pairs)])
    assert "100.0000% [2.50%-100.00%]" in capsys.readouterr().out


def test_eval_on_the_portraits_per_photo_age_band(cfg_file: Path, scenes: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The simulated citizens (synthetic people, tests/fixtures/faces): chip photos of A and B, and
    # the camera's scenes of the same two people, from other photos of them.
    folder = tmp_path / "pairs"
    folder.mkdir()
    for name in ("chip_a.jpg", "chip_b.jpg"):
        shutil.copy(FIXTURES / name, folder / name)
    for name, path in scenes.items():
        shutil.copy(path, folder / name)
    (folder / "pairs.csv").write_text(
        "reference,probe,same_person,photo_age_years\n"
        "chip_a.jpg,person_a.jpg,1,1.5\nchip_a.jpg,person_b.jpg,0,1.5\n"
        "chip_b.jpg,person_b.jpg,1,9\nchip_b.jpg,person_a.jpg,0,9\n"
    )
    assert main(["face", "eval", "--config", str(cfg_file), "--pairs", str(folder), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["genuine"], data["impostor"], data["fmr"], data["fnmr"], data["failures"]) == (2, 2, 0.0, 0.0, 0)
    assert set(data["bands"]) == {"0-2 y", "8+ y"}
    for band in data["bands"].values():
        assert (band["genuine"], band["impostor"], band["fmr"], band["fnmr"]) == (1, 1, 0.0, 0.0)
        assert data["threshold"] < band["threshold_fmr_1e4"] < 0.9  # below its impostor pair
    assert main(["face", "eval", "--config", str(cfg_file), "--pairs", str(folder)]) == 0
    table = capsys.readouterr().out
    assert [line.split()[0] for line in table.splitlines()[2:5]] == ["all", "0-2", "8+"]
    (folder / "pairs.csv").unlink()
    assert main(["face", "eval", "--config", str(cfg_file), "--pairs", str(folder)]) == 1
    assert "needs a pairs.csv" in capsys.readouterr().err


def test_eval_rejects_a_csv_without_the_columns(cfg_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("a,b\n1,2\n")
    assert main(["face", "eval", "--config", str(cfg_file), "--pairs", str(pairs)]) == 1
    assert "reference, probe, same_person" in capsys.readouterr().err


@pytest.mark.slow
def test_live_runs_the_whole_step_on_the_simulated_camera(cfg_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["face", "live", "--config", str(cfg_file), "--reference", str(CHIP), "--scenario", "genuine"]) == 0
    out = capsys.readouterr().out
    assert "challenge:" in out and out.strip().splitlines()[-1].startswith("PASSED")
    assert main(["face", "live", "--config", str(cfg_file), "--reference", str(CHIP), "--scenario", "no_face", "--timeout", "1"]) == 1
    assert "timed out" in capsys.readouterr().out


def test_doctor_checks_camera_dlib_build_libraries_and_models(cfg_file: Path) -> None:
    cfg = config_mod.load(cfg_file)
    results = {(c.area, c.name): c for c in run_checks(DoctorContext(cfg, cfg_file, []))}
    frames = results[("camera", "frames")]
    assert frames.status == "warn" and "SIMULATED" in frames.detail and "640x480" in frames.detail
    assert results[("face", "dlib-build")].status == "ok" and "dlib" in results[("face", "dlib-build")].detail
    libraries = results[("system", "native-libraries")]
    assert libraries.status == "ok" and "dlib" in libraries.detail and "Qt (PySide6)" in libraries.detail
    assert results[("face", "models")].status == "ok" and "ResNet" in results[("face", "models")].detail
    broken = config_mod.with_overrides(cfg, **{"devices.camera": {"backend": "opencv", "device": "/nonexistent/video0"}})
    again = {(c.area, c.name): c for c in run_checks(DoctorContext(broken, cfg_file, []))}
    assert again[("camera", "frames")].status == "fail" and "no camera at" in again[("camera", "frames")].detail


def test_verify_a_video_probe_picks_its_best_frame(cfg_file: Path, scenes: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    video = tmp_path / "probe.avi"
    good = cv2.imread(str(scenes["person_a.jpg"]))
    out = cv2.VideoWriter(str(video), cv2.VideoWriter.fourcc(*"MJPG"), 10, (640, 480))
    for image in (cv2.GaussianBlur(good, (0, 0), 4), (good * 0.3).astype("uint8"), good, cv2.GaussianBlur(good, (0, 0), 4)):
        out.write(image)
    out.release()
    assert main(["face", "verify", "--config", str(cfg_file), "--reference", str(CHIP), "--probe", str(video), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["match"] is True and data["quality"]["ok"] is True  # the one good frame was chosen


def test_doctor_names_a_virtual_camera_and_the_ids_to_pin(cfg_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from drivers.camera import v4l2
    from tests.drivers.camera import fake_sysfs

    monkeypatch.setattr(v4l2, "SYSFS", fake_sysfs.build(tmp_path))
    cfg = config_mod.load(cfg_file)

    def camera_checks(**camera: str) -> dict[str, tuple[str, str]]:
        changed = config_mod.with_overrides(cfg, **{"devices.camera": {"backend": "opencv", **camera}})
        return {c.name: (c.status, c.detail) for c in run_checks(DoctorContext(changed, cfg_file, [])) if c.area == "camera"}

    loopback = camera_checks(device="/dev/video1")
    assert loopback["device"][0] == "fail" and "virtual device" in loopback["device"][1]
    assert loopback["frames"][0] == "fail" and "refused" in loopback["frames"][1]
    webcam = camera_checks(device="/dev/video0")
    assert webcam["device"][0] == "warn" and 'usb_id = "046d:0825"' in webcam["device"][1]
    assert 'bus_path = "usb-0000:00:14.0-2"' in webcam["device"][1]
    pinned = camera_checks(device="/dev/video0", usb_id="046d:0825", bus_path="usb-0000:00:14.0-2")
    assert pinned["device"][0] == "ok"
    other = camera_checks(device="/dev/video3", usb_id="046d:0825")
    assert other["device"][0] == "fail" and "not the configured camera" in other["device"][1]
