"""The kiosk's configuration: one TOML file loaded into one typed, validated model.

Default path `/etc/kiosk/config.toml`; `--config PATH` or the `KIOSK_CONFIG` environment variable
override it. Unknown keys and wrongly typed values are errors that name the key
(`section.key: what is wrong`). Every key is documented, with its unit and default, in
`config.example.toml` (a test keeps the two in step).

Errors: `ConfigError` (carries every problem found, one line each).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

DEFAULT_PATH = Path("/etc/kiosk/config.toml")
ENV_VAR = "KIOSK_CONFIG"

Profile = Literal["dga-smart-kiosk", "boonterm"]
PositiveFloat = Annotated[float, Field(gt=0)]
PositiveInt = Annotated[int, Field(gt=0)]


class ConfigError(Exception):
    """The configuration cannot be used; `problems` holds one `section.key: what` line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class Section(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, validate_default=True
    )


class KioskSection(Section):
    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9._-]{3,64}$")] = "KIOSK-DEV-001"
    """Kiosk id registered at enrollment (`kiosk enroll` stores the enrolled one in the state dir)."""
    profile: Profile = "dga-smart-kiosk"
    """Kiosk family: `dga-smart-kiosk` (QR continuation) or `boonterm` (SMS-link continuation)."""
    site_name: str = "Kiosk (development)"
    """Site name printed on receipts and sent at enrollment."""
    site_province: str = ""
    """Province of the site, sent at enrollment."""
    mode: Literal["production", "development"] = "production"
    """`production` locks the UI down; `development` allows a window and shortcuts."""
    simulation: bool = False
    """Must be true for simulated devices to be accepted in production mode (shown as SIMULATION)."""
    counter_th: str = "เคาน์เตอร์บริการของหน่วยงานนี้"
    """Where a citizen the kiosk could not serve gets help from staff, in Thai (shown on screen and
    printed on the referral slip), e.g. `ช่องบริการ 3 ชั้น 1 สำนักงานเขตบางรัก`."""
    counter_en: str = "the service counter of this office"
    """The same place in English, e.g. `counter 3, ground floor, Bang Rak District Office`."""


class CardSection(Section):
    backend: Literal["pcsc", "simulated"] = "pcsc"
    """`pcsc` (pyscard through pcscd) or `simulated` (in-process card, for demos and tests)."""
    reader: str = ""
    """Substring of the reader name to use; empty = the first reader that holds a card."""
    settle_timeout_s: PositiveFloat = 2.0
    """Seconds to keep retrying the connect after insertion (readers report "removed" at first)."""
    debounce_ms: Annotated[int, Field(ge=0)] = 300
    """Not used any more (events come from pcscd's counted state changes, not debounced polls);
    accepted so that existing config files stay valid."""
    poll_interval_s: PositiveFloat = 0.2
    """Seconds between attempts to reach pcscd again while it is unreachable."""
    simulated_profile: str = "normal"
    """Card profile the simulated back end starts with (built-in name or a profile file path)."""


class CameraSection(Section):
    backend: Literal["opencv", "simulated"] = "opencv"
    """`opencv` (a V4L2 device) or `simulated` (frames from image or video files)."""
    device: str = "0"
    """Device index (e.g. `0`) or path (e.g. `/dev/video0`)."""
    width: PositiveInt = 640
    """Capture width in pixels."""
    height: PositiveInt = 480
    """Capture height in pixels."""
    fps: PositiveInt = 30
    """Requested frames per second."""
    watchdog_s: PositiveFloat = 1.0
    """Seconds without a new frame before the camera is declared faulty and reopened."""
    usb_id: Annotated[str, Field(pattern=r"^([0-9A-Fa-f]{4}:[0-9A-Fa-f]{4})?$")] = ""
    """USB vendor:product of the kiosk's camera as `lsusb` shows it (e.g. `046d:0825`); any other
    camera is refused. Empty = any USB camera (virtual and non-USB devices are always refused)."""
    bus_path: str = ""
    """USB port of the camera as `v4l2-ctl --info` shows "Bus info" (e.g. `usb-0000:00:14.0-1`);
    a camera on another port is refused. Empty = any port."""
    sensor_check: bool = True
    """Refuse a stream whose timing or frame-to-frame noise no camera sensor produces (injected video)."""
    simulated_scenario: str = "genuine"
    """Scenario of the simulated camera: genuine, impostor, no_face, printed_photo, photo_tilted,
    blink_only, turn_only, or a file path."""


class PrinterSection(Section):
    backend: Literal["escpos", "simulated"] = "escpos"
    """`escpos` (python-escpos) or `simulated` (in-process printer, for demos and tests)."""
    connection: Literal["usb", "serial", "network", "file"] = "usb"
    """How the ESC/POS printer is attached."""
    usb_vendor_id: Annotated[int, Field(ge=0, le=0xFFFF)] = 0x0416
    """USB vendor id (integer; write hex as 0x0416)."""
    usb_product_id: Annotated[int, Field(ge=0, le=0xFFFF)] = 0x5011
    """USB product id (integer)."""
    serial_port: str = "/dev/ttyUSB0"
    """Serial device path."""
    baudrate: PositiveInt = 115200
    """Serial line speed in bit/s."""
    host: str = ""
    """Network printer host name or address."""
    port: Annotated[int, Field(gt=0, le=65535)] = 9100
    """Network printer TCP port."""
    file_path: str = "/dev/usb/lp0"
    """Device file for `file` connections."""
    width_dots: Literal[384, 512, 576] = 576
    """Printable width in dots: 384 (58 mm), 512, 576 (80 mm)."""
    native_qr: bool = True
    """No longer used: receipts carry no QR code (a token lives two minutes; paper must stay true).
    Kept so that existing config files stay valid."""
    timeout_s: PositiveFloat = 3.0
    """Seconds allowed for each write or status read."""
    simulated_state: Literal["ok", "near-end", "out", "cover-open", "offline"] = "ok"
    """Initial state of the simulated printer."""
    simulated_out_dir: str = ""
    """Folder where the simulated printer writes each receipt (PNG + JSON of commands); empty = none."""
    paper_speed_mm_s: PositiveFloat = 130.0
    """Paper speed of the printer in mm/s: after the last byte the status is watched this long per mm."""


class AudioSection(Section):
    backend: Literal["alsa", "simulated", "off"] = "alsa"
    """`alsa` (the machine's sound through ALSA), `simulated` (a speaker that only counts what it
    hears, for demos and tests) or `off` (no sound at all: only where the kiosk must be silent)."""
    device: str = "default"
    """ALSA device name: `default`, or e.g. `plughw:CARD=Device,DEV=0` (`aplay -L` lists them)."""
    prompts_dir: str = "/usr/local/share/kiosk/prompts"
    """Folder of voice prompt packs: `<prompts_dir>/<th|en>/<prompt id>.wav` (a prompt id is a message
    code; `kiosk prompts template` lists them). A prompt without a file is not spoken; the cues play."""
    volume: Annotated[int, Field(ge=1, le=5)] = 3
    """Loudness each session starts at (1-5); citizens change it on screen, and it returns here after."""


class DevicesSection(Section):
    card: CardSection = CardSection()
    camera: CameraSection = CameraSection()
    printer: PrinterSection = PrinterSection()
    audio: AudioSection = AudioSection()


class FaceSection(Section):
    match_threshold: Annotated[float, Field(gt=0, lt=1.5)] = 0.45
    """Largest embedding distance (dlib ResNet, Euclidean, unitless) accepted as the same person.

    Lower is stricter. dlib's customary 0.6 lets about 0.7 % of impostor pairs through on LFW and
    is too loose for identity; 0.45 sits just above the highest genuine distance measured on the
    simulated citizens' pictures (0.25-0.40) and far below their impostors (0.77-0.83). Measure your own
    population with `kiosk face eval` before changing it."""
    attempts: Annotated[int, Field(ge=1, le=10)] = 3
    """Face attempts before the session fails (`face_mismatch` or `liveness_failed`)."""
    liveness_challenges: Annotated[int, Field(ge=2, le=3)] = 2
    """Liveness challenges per attempt, in a random order: 2 = a blink and a turn (left or right at
    random), 3 = a blink and both turns. Never fewer: a cheat that can only blink or only turn
    must fail every attempt."""
    challenge_timeout_s: PositiveFloat = 6.0
    """Seconds the citizen has for each liveness challenge."""
    blink_ratio: Annotated[float, Field(gt=0, lt=1)] = 0.7
    """A blink is an eye aspect ratio at or below this fraction of the citizen's own open-eye baseline."""
    turn_min_deg: Annotated[float, Field(gt=0, le=45)] = 12.0
    """Head turn, degrees from the citizen's own baseline, that completes a turn challenge."""
    tracking_loss_s: PositiveFloat = 0.5
    """Seconds the tracked face may be missing (or jump) before the attempt counts as failed."""
    min_eye_distance_px: PositiveInt = 60
    """Smallest distance between the eyes, in pixels at capture resolution."""
    guide_tolerance: Annotated[float, Field(gt=0, le=0.5)] = 0.15
    """How far the face centre may sit from the frame centre, as a fraction of the frame's width (x) and height (y)."""
    max_yaw_deg: PositiveFloat = 10.0
    """Largest head turn accepted for capture, degrees."""
    max_pitch_deg: PositiveFloat = 25.0
    """Largest head nod accepted for capture, degrees (estimated from five landmarks against an
    average face, ±15° from one face to another: only a clearly raised or lowered head is refused)."""
    max_roll_deg: PositiveFloat = 8.0
    """Largest head tilt accepted for capture, degrees."""
    min_brightness: Annotated[int, Field(ge=0, le=255)] = 70
    """Darkest mean face brightness accepted (grey level 0-255)."""
    max_brightness: Annotated[int, Field(ge=0, le=255)] = 210
    """Brightest mean face brightness accepted (grey level 0-255)."""
    max_unevenness: Annotated[float, Field(ge=0, le=255)] = 50.0
    """Largest difference of mean grey level (0-255) between the left and right halves of the face."""
    min_sharpness: Annotated[float, Field(ge=0)] = 40.0
    """Smallest variance of the Laplacian on the face crop resized to 128x128 px (sharp webcam faces: 150-500; blurred: < 30)."""
    detect_scale: Annotated[float, Field(gt=0, le=1)] = 0.5
    """Frames are downscaled by this factor before detection (faces too small for it are searched at full size)."""
    stable_frames: Annotated[int, Field(ge=1, le=30)] = 3
    """Consecutive good frames needed before capture (and to set the citizen's baseline)."""


ContinuationName = Literal["qr", "sms", "app_scan"]


class FlowSection(Section):
    idle_timeout_s: PositiveInt = 60
    """Seconds without a touch before a screen asks whether the citizen is still there."""
    countdown_s: PositiveInt = 15
    """Seconds of the visible "continue?" countdown before the session ends."""
    card_read_timeout_s: PositiveInt = 20
    """Seconds allowed to read the chip."""
    face_timeout_s: PositiveInt = 90
    """Seconds allowed for the whole face step."""
    otp_timeout_s: PositiveInt = 300
    """Seconds allowed to type the one-time code."""
    result_timeout_s: PositiveInt = 180
    """Seconds the result screen (QR or SMS notice) stays before the session ends by itself; the QR
    is re-issued before each expiry meanwhile (scanning with a phone involves no touch)."""
    take_card_reminder_s: PositiveFloat = 10.0
    """Seconds "take your card" is asked before the reminder starts (red text, a repeating beep)."""
    take_card_timeout_s: PositiveInt = 30
    """Seconds the "take your card" reminder runs before the kiosk alerts staff: a louder alarm,
    and the card left named on the technician screen, in the heartbeat and in the log."""
    offline_policy: Literal["end", "continue_without_phone"] = "end"
    """When the server is unreachable for OTP: end the session, or continue without phone verification."""
    card_status: Literal["check", "skip"] = "check"
    """Ask the national registry (DOPA, through the central server) whether the card is still valid
    (not reported lost, cancelled or replaced): `check`, or `skip` (the record says `skipped`)."""
    card_status_offline_policy: Literal["end", "continue_unchecked"] = "end"
    """When the registry or the server cannot answer the card-status check: end the session, or
    continue and record the status as `unchecked`."""
    consent_version: str = "2026-01"
    """Version of the PDPA and biometric consent text shown to citizens."""
    continuations: list[ContinuationName] = []
    """How a verified citizen continues in the app, as offered on the service screen: `qr` (a QR on
    this screen for the app to scan), `sms` (a link sent to the verified phone), `app_scan` (the
    app shows a QR that the kiosk's camera reads, before consent). Empty = the profile's:
    dga-smart-kiosk `["qr", "app_scan"]`, boonterm `["sms", "app_scan"]`. At least one of `qr` and
    `sms` (what a citizen who cannot show the app's QR gets)."""
    app_scan_timeout_s: PositiveInt = 60
    """Seconds the camera looks for the app's QR before asking "need more time?"."""

    @field_validator("continuations")
    @classmethod
    def _a_way_without_the_app_qr(cls, value: list[str]) -> list[str]:
        if value and not {"qr", "sms"} & set(value):
            raise ValueError("offer `qr` or `sms` too: a citizen who cannot show the app's QR needs another way")
        return value

    def offered_continuations(self, profile: str) -> list[ContinuationName]:
        if self.continuations:
            return list(dict.fromkeys(self.continuations))
        return ["qr", "app_scan"] if profile == "dga-smart-kiosk" else ["sms", "app_scan"]


class SyncSection(Section):
    server_url: str = "http://127.0.0.1:8700"
    """Base URL of the central identity server."""
    ca_bundle: str = ""
    """Path of a CA bundle for the server's TLS certificate; empty = the system's."""
    timeout_s: PositiveFloat = 10.0
    """Seconds allowed for each HTTP call."""
    batch_size: Annotated[int, Field(ge=1, le=100)] = 100
    """Records per upload (the server takes at most 100)."""
    heartbeat_interval_s: PositiveInt = 60
    """Seconds between heartbeats."""
    backoff_base_s: PositiveFloat = 1.0
    """Base of the full-jitter retry backoff, seconds."""
    backoff_cap_s: PositiveFloat = 300.0
    """Longest wait between retries, seconds."""


class DeviceKeySection(Section):
    store: Literal["auto", "tpm", "file"] = "auto"
    """Where `kiosk keys init` (and `kiosk enroll`, when there is no key yet) makes the device key:
    `auto` = inside the TPM 2.0 when the machine has one (`tpm_tcti`), else a 0600 file in the state
    folder; `tpm` = only in the TPM (fails without one); `file` = the 0600 file. An existing key is
    used wherever it is; `kiosk doctor` says which is in use."""
    tpm_tcti: str = "device:/dev/tpmrm0"
    """How to reach the TPM (a TSS2 TCTI string): the kernel's resource manager by default;
    e.g. `swtpm:host=127.0.0.1,port=2321` for a software TPM."""


class StorageSection(Section):
    state_dir: str = "/var/lib/kiosk"
    """Folder of the outbox, keys and device state (0700, owned by the kiosk user)."""
    max_outbox_mb: PositiveInt = 512
    """Storage budget of the outbox in MiB; the kiosk goes out of service before reaching it."""
    lease_s: PositiveInt = 120
    """Seconds a claimed record stays in flight before it returns to pending."""
    session_reserve_kb: PositiveInt = 64
    """KiB of budget kept free for one more session's record; below it the kiosk goes out of service."""
    min_free_disk_mb: PositiveInt = 256
    """MiB of free disk space under the state folder below which `kiosk doctor` warns."""
    backlog_warn_h: PositiveInt = 24
    """Hours the oldest pending record may wait before `kiosk doctor` warns of a sync backlog."""


class QrSection(Section):
    audience: str = "th.go.dga.tangrat"
    """`aud` claim of the QR token: the app that scans it."""
    lifetime_s: Annotated[int, Field(ge=10, le=120)] = 120
    """Seconds a QR token is valid (at most 120)."""


class UiSection(Section):
    language: Literal["th", "en"] = "th"
    """Language the kiosk starts each session in."""
    orientation: Literal["portrait", "landscape"] = "portrait"
    """Screen layout: portrait 1080x1920 or landscape 1920x1080."""
    dpi: PositiveInt = 96
    """Screen dots per inch, used to size touch targets (at least 20 mm)."""
    technician_pin: Annotated[str, Field(pattern=r"^([0-9]{4,12})?$")] = ""
    """Development mode only: a plain-text PIN (4-12 digits) for the hidden technician screen; empty =
    the documented development PIN 2580. In production mode only the salted hash that
    `kiosk technician set-pin` stores in the state folder is used, and a PIN here is an error
    (`kiosk config check`, `kiosk doctor`)."""
    privacy_notice_url: Annotated[str, Field(pattern=r"^(https://\S+)?$")] = ""
    """Where the agency publishes the full privacy notice (https://...): the consent screen shows
    it as a QR code beside the short text. Empty: no QR."""


class LoggingSection(Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    """Lowest level written to stderr (journald)."""


class Config(Section):
    kiosk: KioskSection = KioskSection()
    devices: DevicesSection = DevicesSection()
    face: FaceSection = FaceSection()
    flow: FlowSection = FlowSection()
    sync: SyncSection = SyncSection()
    storage: StorageSection = StorageSection()
    device_key: DeviceKeySection = DeviceKeySection()
    qr: QrSection = QrSection()
    ui: UiSection = UiSection()
    logging: LoggingSection = LoggingSection()

    @property
    def state_dir(self) -> Path:
        return Path(self.storage.state_dir)


def _problem_lines(err: ValidationError) -> list[str]:
    lines = []
    for e in err.errors():
        key = ".".join(str(p) for p in e["loc"]) or "(top level)"
        if e["type"] == "extra_forbidden":
            msg = "unknown key"
        elif e["type"] == "missing":
            msg = "required key is missing"
        else:
            msg = e["msg"].replace("\n", " ")
            if e["type"].endswith("_type") or e["type"].endswith("_parsing"):
                msg += f" (got {type(e['input']).__name__} {e['input']!r})"
        lines.append(f"{key}: {msg}")
    return lines


def from_dict(data: dict[str, Any]) -> Config:
    try:
        return Config.model_validate(data)
    except ValidationError as err:
        raise ConfigError(_problem_lines(err)) from None


def resolve_path(explicit: str | Path | None = None) -> Path:
    if explicit:
        return Path(explicit)
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    return DEFAULT_PATH


def load(path: str | Path | None = None) -> Config:
    """Load and validate the config file; raises ConfigError naming every problem."""
    p = resolve_path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise ConfigError([f"(file): {p} does not exist"]) from None
    except OSError as e:
        raise ConfigError([f"(file): {p} cannot be read ({e.strerror})"]) from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError([f"(file): {p} is not UTF-8 text"]) from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError([f"(syntax): {p}: {e}"]) from None
    return from_dict(data)


def _toml_value(value: Any, hex_int: bool = False) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return f"0x{value:04X}" if hex_int else str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"no TOML form for {value!r}")


def example_toml() -> str:
    """`config.example.toml`, generated from the model: every key, its doc, unit and default."""
    out = [
        "# Kiosk configuration. Copy to /etc/kiosk/config.toml (or point --config / $KIOSK_CONFIG at it).",
        "# Every key is optional; the value shown is the default. Unknown keys are errors.",
        "# Generated from kiosk/config.py by `kiosk config example` (a test keeps it in step).",
    ]

    def section(model: type[BaseModel], path: str) -> None:
        leaves = {n: f for n, f in model.model_fields.items() if not _is_section(f.annotation)}
        docs = _attribute_docs(model)
        if leaves:
            out.append("")
            out.append(f"[{path}]")
            for name, field in leaves.items():
                doc = docs.get(name, "")
                for line in doc.splitlines():
                    out.append(f"# {line.strip()}")
                out.append(f"{name} = {_toml_value(field.default, hex_int=name.endswith('_id') and 'usb' in name)}")
        for name, field in model.model_fields.items():
            if _is_section(field.annotation):
                assert isinstance(field.annotation, type)
                section(field.annotation, f"{path}.{name}" if path else name)

    section(Config, "")
    return "\n".join(out) + "\n"


def _attribute_docs(model: type[BaseModel]) -> dict[str, str]:
    """The docstring under each field of a section class, read from its source when the example is
    generated (not at every import: pydantic's `use_attribute_docstrings` parses the source of
    every section each time the module loads, ~0.1 s of every CLI command's start)."""
    import ast
    import inspect
    import textwrap

    body = ast.parse(textwrap.dedent(inspect.getsource(model))).body[0]
    assert isinstance(body, ast.ClassDef)
    docs: dict[str, str] = {}
    for node, after in zip(body.body, body.body[1:], strict=False):
        if (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
                and isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant)
                and isinstance(after.value.value, str)):
            docs[node.target.id] = inspect.cleandoc(after.value.value)
    return docs


def _is_section(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, Section)


def with_overrides(cfg: Config, **sections: dict[str, Any]) -> Config:
    """A copy of `cfg` with some keys replaced, validated again (used by `--dev` and tests)."""
    data = cfg.model_dump()
    for name, values in sections.items():
        target = data
        *parents, leaf = name.split(".")
        for part in parents:
            target = target[part]
        target[leaf] = {**target[leaf], **values}
    return from_dict(data)
