import pytest

from helpers import lang


def test_helpers_messages_follow_the_language():
    assert lang.msg("hello", "नमस्ते") == "hello"
    lang.set_language("hi")
    assert lang.msg("hello", "नमस्ते") == "नमस्ते"


def test_fig_text_is_english_when_plots_cannot_draw_hindi():
    assert lang.fig_text("पुनर्निर्माण", en="reconstruction") == "reconstruction"  # an English notebook
    lang.set_language("hi")
    lang.set_plots_hindi(False)
    assert lang.fig_text("पुनर्निर्माण", en="reconstruction") == "reconstruction"
    lang.set_plots_hindi(True)
    assert lang.fig_text("पुनर्निर्माण", en="reconstruction") == "पुनर्निर्माण"
    with pytest.raises(TypeError):
        lang.fig_text("पुनर्निर्माण", "reconstruction")  # the English fallback is always named: en=...


def test_unknown_language_is_rejected_in_both_languages():
    with pytest.raises(ValueError, match="expected one of") as info:
        lang.set_language("fr")
    assert "भाषा" in str(info.value)


@pytest.mark.parametrize("value, default, expected", [
    ("", False, False), ("", True, True), ("1", False, True), ("true", False, True),
    ("0", True, False), ("no", True, False),
])
def test_quick_mode_environment_overrides_the_parameter(monkeypatch, value, default, expected):
    monkeypatch.setenv("COURSE_QUICK", value)
    assert lang.quick_mode(default) is expected


def test_quick_mode_rejects_unclear_values(monkeypatch):
    monkeypatch.setenv("COURSE_QUICK", "maybe")
    with pytest.raises(ValueError, match="COURSE_QUICK"):
        lang.quick_mode(False)
