"""`python -m cabtui` runs the command line."""

from cabtui.cli import main

raise SystemExit(main())
