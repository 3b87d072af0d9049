"""The Textual UI: it presents what cabtui.data computes and never parses a file itself.

app          CabApp and make_app(path), used by the CLI and the tests alike
screens      sweeps, sweep (tabs), cell, replay, player, help
widgets      heatmap grid, virtual table, waterfall, terminal view, transport bar, footer
renderables  Rich builders of the cell page's sections and the tables' columns
commands     the command palette's provider
"""
