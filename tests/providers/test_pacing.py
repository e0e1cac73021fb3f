"""The pacer's parts on their own: the bucket on a clock the test moves, the adaptive
concurrency controller, and the pacer fed headers as an endpoint would send them."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from summarizer.providers.bucket import TokenBucket
from summarizer.providers.concurrency import AdaptiveConcurrency
from summarizer.providers.pacing import Pacer, PacingConfig, estimate_tokens


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def headers(requests: tuple[int, int], tokens: tuple[int, int]) -> dict[str, str]:
    return {
        "x-ratelimit-limit-requests": str(requests[0]),
        "x-ratelimit-remaining-requests": str(requests[1]),
        "x-ratelimit-limit-tokens": str(tokens[0]),
        "x-ratelimit-remaining-tokens": str(tokens[1]),
    }


# --- The bucket ---------------------------------------------------------------------------


def test_a_bucket_refills_over_its_window_and_never_past_its_capacity() -> None:
    clock = Clock()
    bucket = TokenBucket(600, window=60, clock=clock)  # 10 a second
    bucket.take(600)
    assert bucket.level() == 0 and bucket.shortfall(50) == 5.0 and bucket.full_in() == 60.0
    clock.now += 3
    assert bucket.level() == 30 and bucket.shortfall(30) == 0
    clock.now += 600
    assert bucket.level() == 600


def test_a_bucket_owes_gives_back_up_to_its_capacity_and_follows_the_endpoint() -> None:
    clock = Clock()
    bucket = TokenBucket(100, window=10, clock=clock)
    bucket.take(150)  # a charge over what is left: owed, and waited for after
    assert bucket.level() == -50 and bucket.shortfall(10) == 6.0
    bucket.give(500)
    assert bucket.level() == 100
    bucket.lower_to(40)
    bucket.lower_to(90)  # only ever lowered
    assert bucket.level() == 40
    bucket.resize(1000, remaining=700)
    assert (bucket.capacity, bucket.level(), bucket.per_second) == (1000, 700, 100)


def test_an_amount_over_the_capacity_waits_for_a_full_bucket_not_forever() -> None:
    clock = Clock()
    bucket = TokenBucket(100, window=10, level=0, clock=clock)
    assert bucket.shortfall(5000) == 10.0


# --- The adaptive concurrency -------------------------------------------------------------


def enter(controller: AdaptiveConcurrency, calls: int) -> list[int]:
    return [controller.enter()[0] for _ in range(calls)]


def test_a_429_halves_the_calls_in_flight_once_per_round() -> None:
    controller = AdaptiveConcurrency(maximum=64)
    first_round = enter(controller, 20)
    controller.limited(first_round[0])
    assert controller.slots == 10  # half of the 20 in flight, not of the maximum
    for number in first_round[1:]:
        controller.limited(number)  # the same round: sent before the cut
    assert controller.slots == 10
    for _ in range(20):
        controller.leave()
    second_round = enter(controller, 10)
    controller.limited(second_round[-1])
    assert controller.slots == 5


def test_the_limit_never_goes_below_one() -> None:
    controller = AdaptiveConcurrency(maximum=8)
    for _ in range(10):
        (number,) = enter(controller, 1)
        controller.limited(number)
        controller.leave()
    assert controller.slots == 1


def test_answers_with_headroom_grow_the_limit_by_one_per_round_up_to_the_maximum() -> None:
    controller = AdaptiveConcurrency(maximum=6)
    enter(controller, 4)
    controller.limited(1)
    assert controller.slots == 2
    for _ in range(2):
        controller.leave()
    controller.answered(headroom=True)  # +1/2
    controller.answered(headroom=True)  # +1/2.5: one round of answers, one more slot
    assert controller.slots == 2 and controller.limit > 2.8
    controller.answered(headroom=True)
    assert controller.slots == 3
    for _ in range(200):
        enter(controller, controller.slots - controller.inflight)  # the callers keep it full
        controller.answered(headroom=True)
    assert controller.slots == controller.maximum == 6


def test_no_growth_without_headroom_or_without_callers_held_back() -> None:
    controller = AdaptiveConcurrency(maximum=64)
    enter(controller, 10)
    controller.limited(1)
    assert controller.slots == 5
    for _ in range(5):
        controller.leave()
    for _ in range(50):
        controller.answered(headroom=False)  # full, but the limits leave no room
    assert controller.slots == 5
    controller.leave()  # 4 of 5 in flight and nobody waiting: the limit does not bind
    for _ in range(50):
        controller.answered(headroom=True)
    assert controller.slots == 5


def test_a_probing_controller_lets_one_call_through_until_the_first_answer() -> None:
    controller = AdaptiveConcurrency(maximum=32, start=1)
    assert controller.slots == 1
    controller.answered(headroom=True)  # growth waits for the probe's answer to open it
    assert controller.slots == 1
    controller.open()
    assert controller.slots == 32
    controller.open()  # once only: a later answer does not undo a cut
    enter(controller, 4)
    controller.limited(1)
    controller.open()
    assert controller.slots == 2


def test_a_caller_past_the_limit_waits_for_a_slot() -> None:
    controller = AdaptiveConcurrency(maximum=2)
    enter(controller, 2)
    entered: list[tuple[int, bool]] = []
    waiter = threading.Thread(target=lambda: entered.append(controller.enter()))
    waiter.start()
    while controller.waiting == 0:
        threading.Event().wait(0.001)
    assert not entered and controller.inflight == 2
    controller.leave()
    waiter.join()
    assert entered == [(3, True)] and controller.inflight == 2


# --- The pacer ----------------------------------------------------------------------------


def test_the_estimate_is_the_prompt_at_four_characters_a_token_plus_the_answer_budget() -> None:
    request = {"messages": [{"role": "user", "content": "x" * 400}], "max_tokens": 1000}
    assert estimate_tokens(request) == 1100
    tools = [{"type": "function", "function": {"name": "f", "parameters": {}}}]
    assert estimate_tokens({**request, "tools": tools}) > 1100


def asking(tokens: int) -> dict[str, Any]:
    """A request the endpoint would charge `tokens` for: its answer budget alone."""
    return {"messages": [], "max_tokens": tokens}


def pacer(clock: Clock, **limits: int) -> Pacer:
    return Pacer("test", PacingConfig(window=60, maximum=16, **limits), clock=clock)


def test_limits_unknown_the_pacer_probes_then_learns_them_from_the_first_answer() -> None:
    clock = Clock()
    paced = pacer(clock)
    assert paced.slots.slots == 1 and paced.budgets == {}
    with paced.call(asking(1500)) as call:
        call.answered(headers((500, 499), (200_000, 198_000)), used_tokens=1200)
    assert paced.slots.slots == 16
    assert paced.budgets["requests"].level() == 499
    assert paced.budgets["tokens"].level() == 198_000  # the probe was never charged here


def test_pre_set_limits_need_no_probe_and_an_answer_settles_its_reservation() -> None:
    clock = Clock()
    paced = pacer(clock, requests=100, tokens=10_000)
    assert paced.slots.slots == 16
    with paced.call(asking(3000)) as call:
        assert paced.budgets["tokens"].level() == 7000
        call.answered({}, used_tokens=1000)  # 2,000 of the reservation unused
    assert paced.budgets["tokens"].level() == 9000 and paced.budgets["requests"].level() == 99


def test_the_endpoint_s_remaining_lowers_the_budget_and_its_limit_resizes_it() -> None:
    clock = Clock()
    paced = pacer(clock, tokens=10_000)
    with paced.call(asking(1000)) as call:
        call.answered(headers((50, 10), (10_000, 4000)), used_tokens=1000)
    assert paced.budgets["tokens"].level() == 4000  # another client spent the rest
    with paced.call(asking(1000)) as call:
        call.answered(headers((50, 9), (30_000, 20_000)), used_tokens=1000)
    assert paced.budgets["tokens"].capacity == 30_000
    assert paced.budgets["tokens"].level() == 20_000


def test_a_refused_call_gives_its_charge_back_and_a_429_halves_the_concurrency() -> None:
    clock = Clock()
    paced = pacer(clock, requests=100, tokens=10_000)
    with paced.call(asking(3000)) as call:
        call.refused(headers((100, 99), (10_000, 500)), limited=True)
    assert paced.budgets["tokens"].level() == 500  # given back, then lowered as told
    assert paced.slots.slots == 1  # half the one call in flight, at least one
    with paced.call(asking(100)) as call:
        call.refused({}, limited=False)  # a 500: nothing to learn about the pace
    assert paced.slots.slots == 1


def test_a_call_that_ends_unanswered_gives_its_charge_back_and_its_slot() -> None:
    clock = Clock()
    paced = pacer(clock, tokens=10_000)
    with pytest.raises(ConnectionError), paced.call(asking(4000)):
        raise ConnectionError("dropped")
    assert paced.budgets["tokens"].level() == 10_000 and paced.slots.inflight == 0


def test_a_call_waits_until_its_charge_fits() -> None:
    paced = pacer(Clock(), tokens=600)  # the clock stands still: nothing refills
    entered = threading.Event()

    def second() -> None:
        with paced.call(asking(100)) as call:
            entered.set()
            call.answered({}, used_tokens=100)

    with paced.call(asking(600)) as first:
        waiter = threading.Thread(target=second)
        waiter.start()
        while paced.slots.inflight < 2:  # the second has its slot, and waits for tokens
            threading.Event().wait(0.001)
        assert not entered.is_set()
        first.answered({}, used_tokens=300)  # 300 given back: the second fits
        waiter.join()
    assert entered.is_set() and paced.budgets["tokens"].level() == 200
