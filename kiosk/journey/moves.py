"""What a handler answers: where the session goes next.

    Go(StateName.FACE)                     to that state (its entry effects follow `effects`)
    Stay((fx.SendOtp(...),))               stay, asking for these effects
    End(Ending.CARD_EXPIRED)               end the session that way (record, wipe, next screen)
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.journey.effects import Effect
from kiosk.journey.endings import Ending
from kiosk.journey.states import StateName


@dataclass(frozen=True, slots=True)
class Go:
    to: StateName
    effects: tuple[Effect, ...] = ()


@dataclass(frozen=True, slots=True)
class Stay:
    effects: tuple[Effect, ...] = ()


@dataclass(frozen=True, slots=True)
class End:
    ending: Ending


Move = Go | Stay | End
STAY = Stay()
