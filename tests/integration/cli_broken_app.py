"""A module whose import fails: `temporal-runtime worker` reports it in one line."""

raise RuntimeError("cli_broken_app is broken on purpose")
