"""cabtui: browse coding-agent benchmark sweeps from the terminal."""

__version__ = "0.1.0"
