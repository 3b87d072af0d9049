"""The generator of the demo sweep (recordings/demo-20261125): `python -m recordings.demo_gen --out DIR`.

Synthetic cells come from a fixed seed; recorded cells are real runs of a
scripted stand-in agent under asciinema. recordings/README.md says which is which.
"""
