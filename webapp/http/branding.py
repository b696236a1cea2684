"""A tenant's colour on every page that carries its branding (the wizard, the embed, the pages
a mailed link opens): the text drawn on it, in the template filter `on_colour`."""

from functools import lru_cache


def _luminance(colour):
    def channel(value):
        value /= 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(int(colour[i : i + 2], 16)) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def _contrast(one, other):
    lighter, darker = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@lru_cache(maxsize=64)
def on_colour(colour: str) -> str:
    """White or near-black text, whichever reads better on `colour` (4.5:1 or more, always)."""
    return max(("#ffffff", "#0b0c0c"), key=lambda text: _contrast(colour, text))


def init_app(app):
    app.jinja_env.filters["on_colour"] = on_colour
