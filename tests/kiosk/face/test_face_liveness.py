"""Liveness rules: challenges in varying order, blink and turns judged against the baseline."""

from __future__ import annotations

import random
from typing import Any

from drivers.camera.simulated import Person
from kiosk.config import FaceSection
from kiosk.face import liveness
from kiosk.face.analysis import analyse

CFG = FaceSection()


def test_challenges_are_distinct_and_their_order_varies() -> None:
    rng = random.SystemRandom()
    orders = {tuple(liveness.sequence(3, rng)) for _ in range(60)}
    assert len(orders) > 1  # 6 possible orders; 60 draws all equal has probability 6**-59
    for order in orders:
        assert sorted(order) == sorted(liveness.CHALLENGES)
    assert len(liveness.sequence(2, rng)) == 2 and len(set(liveness.sequence(2, rng))) == 2


def observe(models: Any, image: Any) -> Any:
    face = analyse(models, image, CFG.detect_scale).face
    assert face is not None
    return face


def test_blink_and_turns_are_judged_against_the_persons_own_baseline(models: Any, person_a: Any, person_b: Any) -> None:
    for image, meta in (person_a, person_b):
        person = Person(image, meta, follows=True)
        neutral = observe(models, image)
        base = liveness.baseline([neutral])
        assert not any(liveness.done(c, base, neutral, CFG) for c in liveness.CHALLENGES)
        # rendered mid-challenge, well after the reaction time
        closed = observe(models, person.render("blink", 0.0, 0.35))
        assert liveness.done("blink", base, closed, CFG)
        assert not liveness.back_to_neutral("blink", base, closed, CFG)
        assert liveness.back_to_neutral("blink", base, neutral, CFG)
        left = observe(models, person.render("turn_left", 0.0, 1.0))
        right = observe(models, person.render("turn_right", 0.0, 1.0))
        assert liveness.done("turn_left", base, left, CFG) and not liveness.done("turn_right", base, left, CFG)
        assert liveness.done("turn_right", base, right, CFG) and not liveness.done("turn_left", base, right, CFG)
        assert liveness.back_to_neutral("turn_left", base, neutral, CFG)
        assert not liveness.back_to_neutral("turn_left", base, left, CFG)


def test_a_printed_photo_does_not_react(person_a: Any) -> None:
    photo = Person(person_a[0], person_a[1], follows=False)
    for challenge in liveness.CHALLENGES:
        assert photo.render(challenge, 0.0, 1.0) is person_a[0]
