"""The command line: `cabtui [PATH]`, `play`, `frame`, `summary`, `diff`, `validate`, `schema`.

`main` parses arguments and runs a command; `output` and `diff` format the text the commands
print (always made visible: paths and names come from the data); `demo` finds the
bundled demo sweep that `cabtui` opens with no argument.
"""

from cabtui.cli.main import main

__all__ = ["main"]
