"""diglot's front ends: the Textual app (``tui.app``) and the command line (``tui.cli``)."""
