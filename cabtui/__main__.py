"""`python -m cabtui` runs the command line."""

from cabtui.cli.main import main

raise SystemExit(main())
