"""The postnatal rules at their boundaries: the EPDS total and its flag (13 or more; any self-harm answer),
and the baby's weight loss from birth weight (more than 10%)."""

import pytest

from maternity.rules.postnatal import (
    EPDS_QUESTIONS,
    epds_flag,
    epds_total,
    weight_loss_flag,
    weight_loss_percent,
)


def answers(total: int, item_10: int = 0) -> list[int]:
    """Ten answers adding up to `total`, with `item_10` as the tenth."""
    rest, out = total - item_10, []
    for _ in range(9):
        out.append(min(3, rest))
        rest -= out[-1]
    assert rest == 0
    return [*out, item_10]


def test_the_epds_total_is_the_sum_of_the_ten_answers():
    assert epds_total([0] * 10) == 0
    assert epds_total([3] * 10) == 30
    assert epds_total([1, 2, 0, 3, 1, 0, 2, 1, 0, 0]) == 10


@pytest.mark.parametrize("given", [None, [], [1] * 9])
def test_no_total_and_no_flag_when_the_questionnaire_is_not_complete(given):
    assert epds_total(given) is None
    assert epds_flag(given) is None


def test_a_total_of_12_is_not_flagged_and_13_is():
    assert epds_flag(answers(12)) is None
    flag = epds_flag(answers(13))
    assert flag is not None
    assert (flag.code, flag.label, flag.severe) == ("epds-high", "EPDS 13", False)


def test_any_answer_above_0_to_item_10_is_flagged_severe_whatever_the_total():
    flag = epds_flag(answers(1, item_10=1))
    assert flag is not None
    assert (flag.code, flag.severe) == ("epds-self-harm", True)
    assert "review her today" in flag.detail
    assert epds_flag(answers(20, item_10=3)).code == "epds-self-harm"


def test_each_question_has_four_answers_scored_0_to_3():
    assert len(EPDS_QUESTIONS) == 10
    for _, choices in EPDS_QUESTIONS:
        assert sorted(score for score, _ in choices) == [0, 1, 2, 3]


def test_weight_loss_is_a_percentage_of_the_birth_weight():
    assert weight_loss_percent(birth_weight=3500, weight=3150) == 10.0
    assert weight_loss_percent(birth_weight=3000, weight=3100) == -3.3  # a gain
    assert weight_loss_percent(birth_weight=None, weight=3100) is None
    assert weight_loss_percent(birth_weight=3000, weight=None) is None


def test_exactly_10_percent_lost_is_not_flagged_and_a_gram_more_is():
    assert weight_loss_flag(birth_weight=3500, weight=3150) is None
    flag = weight_loss_flag(birth_weight=3500, weight=3149)
    assert flag is not None
    assert (flag.code, flag.label) == ("weight-loss", "Lost 10%")  # 10.03%, shown to one decimal
    assert "3149 g against a birth weight of 3500 g" in flag.detail


def test_no_weight_loss_flag_without_both_weights():
    assert weight_loss_flag(birth_weight=None, weight=2000) is None
    assert weight_loss_flag(birth_weight=3500, weight=None) is None
