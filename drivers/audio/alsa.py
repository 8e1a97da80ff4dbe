"""ALSA playback through pyalsaaudio (PSF licence; built against Debian's libasound2-dev).

A device name that means "the machine's sound card" (`default`, `sysdefault`, `hw:...`,
`plughw:...`) is refused at once with "no sound card" when ALSA lists no card, instead of letting
libasound print its configuration errors to stderr (the journal) and fail anyway.
"""

from __future__ import annotations

from drivers.audio.errors import AudioError

PERIOD_FRAMES = 512
"""Frames per ALSA period (23 ms at 22050 Hz): writes are padded to whole periods."""
CARD_DEVICES = ("default", "sysdefault", "hw:", "plughw:", "front:", "dmix", "iec958")


def hardware_cards() -> list[str]:
    """Names of the sound cards ALSA sees (empty without pyalsaaudio or a card)."""
    try:
        import alsaaudio
    except ImportError:
        return []
    return list(alsaaudio.cards())


def _needs_card(device: str) -> bool:
    return device.startswith(CARD_DEVICES)


class AlsaOutput:
    def __init__(self, device: str, rate: int) -> None:
        try:
            import alsaaudio
        except ImportError as e:
            raise AudioError(f"pyalsaaudio is not installed ({e})") from None
        self.device = device
        self.rate = rate
        if _needs_card(device) and not alsaaudio.cards():
            raise AudioError(f"no sound card: ALSA lists none, so device {device!r} cannot play")
        try:
            self._pcm = alsaaudio.PCM(alsaaudio.PCM_PLAYBACK, alsaaudio.PCM_NORMAL, device=device, channels=1,
                                      rate=rate, format=alsaaudio.PCM_FORMAT_S16_LE,
                                      periodsize=PERIOD_FRAMES, periods=4)
        except alsaaudio.ALSAAudioError as e:
            raise AudioError(f"ALSA device {device!r} cannot be opened: {e}") from None
        self._error = alsaaudio.ALSAAudioError
        self._period_bytes = PERIOD_FRAMES * 2

    def write(self, pcm: bytes) -> None:
        short = -len(pcm) % self._period_bytes
        if short:
            pcm = pcm + bytes(short)
        try:
            for start in range(0, len(pcm), self._period_bytes):
                self._pcm.write(pcm[start:start + self._period_bytes])
        except self._error as e:
            raise AudioError(f"ALSA device {self.device!r} stopped playing: {e}") from None

    def close(self) -> None:
        try:
            self._pcm.close()
        except self._error:
            pass
