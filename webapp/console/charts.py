"""Charts drawn by the server as SVG geometry: the page renders it (templates/console/_chart.html)
beside a table of the same figures, so that the chart needs no JavaScript and adds nothing a
screen reader would miss."""

from dataclasses import dataclass, field

# One colour per door, distinct at 3:1 or more against white (WCAG 1.4.11).
DOOR_COLOURS = {
    "wizard": "#1d4f91",
    "embed": "#00703c",
    "api": "#b1441b",
    "online_ordering": "#6f2c91",
    "web_store": "#505a5f",
}
OTHER_COLOUR = "#0b0c0c"
WIDTH, HEIGHT = 720, 260
LEFT, BOTTOM, TOP = 44, 28, 12


@dataclass
class Chart:
    title: str
    description: str
    width: int = WIDTH
    height: int = HEIGHT
    bars: list = field(default_factory=list)  # (x, y, width, height, colour, tooltip)
    ticks: list = field(default_factory=list)  # (y, label) on the value axis
    labels: list = field(default_factory=list)  # (x, y, text, anchor) under or beside the bars
    legend: list = field(default_factory=list)  # (colour, text)


def _nice_top(value):
    """The value axis's top: 2, 4 or 10 times a power of ten, at least `value`, so that the
    middle gridline, too, falls on a whole number of registrations."""
    magnitude = 1
    while True:
        for step in (2, 4, 10):
            if step * magnitude >= value:
                return step * magnitude
        magnitude *= 10


def stacked_days(title, description, days, doors, counts, door_label, day_label):
    """Bars per day, stacked by door. counts[(day, door)] -> registrations."""
    chart = Chart(title, description)
    door_label = {door: door_label(door) for door in doors}.__getitem__  # once each, not per bar
    totals = [sum(counts.get((day, door), 0) for door in doors) for day in days]
    top = _nice_top(max(totals, default=0) or 1)
    plot_height = HEIGHT - BOTTOM - TOP
    slot = (WIDTH - LEFT) / max(len(days), 1)
    for index, day in enumerate(days):
        x = LEFT + index * slot + slot * 0.15
        y = HEIGHT - BOTTOM
        for door in doors:
            value = counts.get((day, door), 0)
            if not value:
                continue
            height = value / top * plot_height
            y -= height
            chart.bars.append(
                (
                    round(x, 1),
                    round(y, 1),
                    round(slot * 0.7, 1),
                    round(height, 1),
                    DOOR_COLOURS.get(door, OTHER_COLOUR),
                    f"{day_label(day)}, {door_label(door)}: {value}",
                )
            )
        if index == len(days) - 1:  # the last label ends at the chart's edge, uncut
            chart.labels.append((WIDTH, HEIGHT - 8, day_label(day), "end"))
        elif index % 5 == 0:
            chart.labels.append((round(x + slot * 0.35, 1), HEIGHT - 8, day_label(day), "middle"))
    for fraction in (0, 0.5, 1):
        chart.ticks.append(
            (round(HEIGHT - BOTTOM - fraction * plot_height, 1), f"{top * fraction:g}")
        )
    chart.legend = [(DOOR_COLOURS.get(door, OTHER_COLOUR), door_label(door)) for door in doors]
    return chart


def horizontal(title, description, rows):
    """One bar per row: rows are (label, value)."""
    row_height = 34
    chart = Chart(title, description, height=row_height * max(len(rows), 1) + 8)
    top = max((value for _, value in rows), default=0) or 1
    label_width = 200
    for index, (label, value) in enumerate(rows):
        y = 4 + index * row_height
        width = value / top * (WIDTH - label_width - 80)
        chart.bars.append(
            (
                label_width,
                y,
                round(width, 1),
                row_height - 10,
                DOOR_COLOURS["wizard"],
                f"{label}: {value}",
            )
        )
        chart.labels.append((label_width - 8, y + row_height / 2, label, "end"))
        chart.labels.append(
            (round(label_width + width + 6, 1), y + row_height / 2, str(value), "start")
        )
    return chart
