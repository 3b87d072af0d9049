"""`python -m recordings.demo_gen --out DIR` (from the repository root)."""

from .main import main

main()
