"""Rich renderables the screens show: the cell page's sections and the tables' columns.

Pure builders from data to `rich.text.Text` (never markup): each takes records and
returns what a `Static` or a table row draws, so they are tested without an app.
"""
