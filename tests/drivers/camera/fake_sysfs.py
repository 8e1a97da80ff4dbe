"""A fake `/sys` with the V4L2 devices a kiosk can meet, laid out as the kernel lays them out:
a USB webcam (uvcvideo) on port 2 of the controller 0000:00:14.0, another behind a hub, a
v4l2loopback device (virtual), and a vivid test device (a platform device)."""

from __future__ import annotations

import os
from pathlib import Path

WEBCAM = ("046d", "0825", "2", "HD Webcam C270")
BEHIND_HUB = ("0c45", "6366", "1.3", "USB 2.0 Camera")


def _link(link: Path, target: Path) -> None:
    link.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(os.path.relpath(target, link.parent), link)


def _node(sys: Path, node: str, device_dir: Path, name: str) -> None:
    entry = device_dir / "video4linux" / node
    entry.mkdir(parents=True)
    (entry / "name").write_text(name + "\n")
    if device_dir.name != "virtual":
        _link(entry / "device", device_dir)
    _link(sys / "class" / "video4linux" / node, entry)


def _usb(sys: Path, node: str, usb_dir: str, ids: tuple[str, str, str, str]) -> None:
    vendor, product, devpath, name = ids
    device = sys / "devices" / "pci0000:00" / "0000:00:14.0" / "usb1" / usb_dir
    device.mkdir(parents=True, exist_ok=True)
    (device / "idVendor").write_text(vendor + "\n")
    (device / "idProduct").write_text(product + "\n")
    (device / "devpath").write_text(devpath + "\n")
    interface = device / f"{usb_dir.split('/')[-1]}:1.0"
    interface.mkdir()
    uvc = sys / "bus" / "usb" / "drivers" / "uvcvideo"
    uvc.mkdir(parents=True, exist_ok=True)
    _link(interface / "driver", uvc)
    _node(sys, node, interface, name)


def build(root: Path) -> Path:
    """The fake tree under `root`; returns the path that stands for `/sys`.

    video0: the webcam; video1: a v4l2loopback device; video2: vivid; video3: a camera behind a hub on port 1."""
    sys = root / "sys"
    usb1 = sys / "devices" / "pci0000:00" / "0000:00:14.0" / "usb1"
    for hub, ids in ((usb1, ("1d6b", "0002")), (usb1 / "1-1", ("05e3", "0610"))):  # root hub, a hub on port 1
        hub.mkdir(parents=True)
        (hub / "idVendor").write_text(ids[0] + "\n")
        (hub / "idProduct").write_text(ids[1] + "\n")
    _usb(sys, "video0", "1-2", WEBCAM)
    _node(sys, "video1", sys / "devices" / "virtual", "Dummy video device (0x0000)")
    vivid = sys / "devices" / "platform" / "vivid.0"
    vivid.mkdir(parents=True)
    (sys / "bus" / "platform" / "drivers" / "vivid").mkdir(parents=True)
    _link(vivid / "driver", sys / "bus" / "platform" / "drivers" / "vivid")
    _node(sys, "video2", vivid, "vivid-000-vid-cap")
    _usb(sys, "video3", "1-1/1-1.3", BEHIND_HUB)
    return sys
