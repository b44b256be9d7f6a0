import pytest
from django.core.exceptions import ValidationError

from ops.text import single_line, unstorable, validate_single_line


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("Budget Kit", "Budget Kit"),
        ("Budget\nKit", "Budget Kit"),
        ("Budget\r\nBcc: everyone@example.com", "Budget Bcc: everyone@example.com"),
        ("  Budget\t\x00\x1b Kit\u2028 \n", "Budget  Kit"),
        ("Café 🎨 – 2ᵉ", "Café 🎨 – 2ᵉ"),  # noqa: RUF001
    ],
)
def test_single_line_makes_each_run_of_breaks_and_controls_one_space(text, line):
    assert single_line(text) == line


@pytest.mark.parametrize("text", ["a\nb", "a\rb", "a\tb", "a\x00b", "a\x85b", "a\u2029b"])
def test_a_line_break_or_control_character_is_refused(text):
    with pytest.raises(ValidationError, match="Keep it on one line"):
        validate_single_line(text)


def test_ordinary_text_is_one_line():
    validate_single_line("Budget Kit: 2ᵉ édition 🎨 (v1.2)")


@pytest.mark.parametrize(
    ("value", "found"),
    [
        ("plain", False),
        ("a\x00b", True),
        ("a\ud800", True),
        ("\udfff", True),
        ({"data": [{"name": "ok"}, 3, None]}, False),
        ({"data": [{"name": "B\x00"}]}, True),
        ({"key\x00": 1}, True),
        (("a", "b\ud800"), True),
    ],
)
def test_unstorable_finds_a_nul_or_lone_surrogate_anywhere(value, found):
    assert unstorable(value) is found
