"""Guidance shown to the citizen, in Thai and English, one hint per reason the gate can give."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Hint:
    code: str
    th: str
    en: str


HINTS: dict[str, Hint] = {
    h.code: h
    for h in (
        Hint("no_face", "กรุณามองที่กล้องและให้ใบหน้าอยู่ในกรอบ", "Please look at the camera with your face in the frame"),
        Hint("one_person", "กรุณาให้มีเพียงหนึ่งคนหน้ากล้อง", "Only one person in front of the camera, please"),
        Hint("move_closer", "กรุณาขยับเข้ามาใกล้อีกนิด", "Please move closer"),
        Hint("centre_face", "กรุณาขยับให้ใบหน้าอยู่กลางกรอบ", "Please move so your face is in the middle of the frame"),
        Hint("look_straight", "กรุณามองตรงมาที่กล้อง", "Please look straight at the camera"),
        Hint("head_level", "กรุณาตั้งศีรษะให้ตรง", "Please hold your head level"),
        Hint("too_dark", "แสงน้อยเกินไป กรุณาหันหน้าเข้าหาแสง", "Too dark: please face the light"),
        Hint("too_bright", "แสงจ้าเกินไป กรุณาหลบแสงที่ส่องตรง", "Too bright: please step out of direct light"),
        Hint("uneven_light", "แสงส่องไม่ทั่วใบหน้า กรุณาหันหน้าตรงเข้าหาแสง", "Light is uneven: please face the light evenly"),
        Hint("hold_still", "กรุณาอยู่นิ่ง ๆ สักครู่", "Please hold still for a moment"),
        Hint("blink", "กรุณากะพริบตา", "Please blink"),
        Hint("turn_left", "กรุณาหันหน้าไปทางซ้ายช้า ๆ", "Please turn your head slowly to your left"),
        Hint("turn_right", "กรุณาหันหน้าไปทางขวาช้า ๆ", "Please turn your head slowly to your right"),
        Hint("try_again", "ยังไม่สำเร็จ กรุณาลองอีกครั้ง", "That did not work: let us try again"),
    )
}


def hint(code: str) -> Hint:
    return HINTS[code]
