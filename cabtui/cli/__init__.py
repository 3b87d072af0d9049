from cabtui.cli.main import main

__all__ = ["main"]
