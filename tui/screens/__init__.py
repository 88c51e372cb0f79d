"""The app's screens and dialogs, one class per module."""
