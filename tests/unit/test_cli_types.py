"""The CLI's argument types: one `number` factory behind every bounded number option."""

import argparse

import pytest

from service.cli.analyze import damping
from service.cli.common import non_negative_int, positive, positive_int


@pytest.mark.parametrize(
    ("convert", "text", "value"),
    [
        (positive_int, "1", 1),
        (non_negative_int, "0", 0),
        (positive(float), "0.5", 0.5),
        (positive(int), "7", 7),
        (damping, "0.85", 0.85),
    ],
)
def test_a_value_within_the_rule_converts(convert, text, value):
    assert convert(text) == value
    assert type(convert(text)) is type(value)


@pytest.mark.parametrize(
    ("convert", "text", "message"),
    [
        (positive_int, "0", "must be >= 1, got 0"),
        (positive_int, "x", "not an integer: 'x'"),
        (non_negative_int, "-1", "must be >= 0, got -1"),
        (positive(float), "0", "must be > 0, got 0"),
        (positive(int), "many", "not a number: 'many'"),
        (damping, "1.2", "must be between 0 and 1, got 1.2"),
        (damping, "high", "not a number: 'high'"),
    ],
)
def test_a_value_outside_the_rule_names_the_rule(convert, text, message):
    with pytest.raises(argparse.ArgumentTypeError) as info:
        convert(text)
    assert str(info.value) == message
