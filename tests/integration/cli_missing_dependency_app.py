"""A module importing a package that is not installed: `temporal-runtime worker` says which."""

import no_such_dep  # type: ignore[import-not-found]  # pyright: ignore[reportMissingImports]

DEPENDENCY = no_such_dep.__name__
