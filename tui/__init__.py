"""diglot's front ends: the Textual app (``diglot.tui.app``) and the command line (``diglot.tui.cli``)."""
