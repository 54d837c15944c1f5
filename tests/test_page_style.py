"""Caption text passes WCAG 2 AA contrast (4.5:1) on the page and in the sidebar: axe-core found
Streamlit's faded caption grey at 3.8–3.9:1 on every page (tests/journeys/test_accessibility.py
checks the pages themselves in a browser)."""

from ui.page_style import BACKGROUNDS, CAPTION_COLOR, contrast

AA = 4.5


def test_the_contrast_formula_gives_wcags_reference_values():
    assert round(contrast("#000000", "#ffffff"), 2) == 21
    assert round(contrast("#777777", "#ffffff"), 2) == 4.48  # the well-known just-failing grey
    assert round(contrast("#828180", "#ffffff"), 1) == 3.9  # Streamlit's caption, as axe said


def test_captions_are_readable_on_every_background():
    for background in BACKGROUNDS:
        assert contrast(CAPTION_COLOR, background) >= AA, background
