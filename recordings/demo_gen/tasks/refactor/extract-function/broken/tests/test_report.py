from report import format_row, render_report

ROWS = [
    {"name": "widget", "qty": 3, "price": 2.5},
    {"name": "gizmo-deluxe-xl", "qty": 1, "price": 19.99},
]


def test_render_report():
    assert render_report(ROWS).splitlines() == [
        'name         qty   price',
        'widget         3    2.50',
        'gizmo-delu     1   19.99',
        'total              27.49',
    ]


def test_format_row():
    assert format_row(ROWS[0]) == 'widget         3    2.50'
