"""Pins this distribution's temporal-runtime siblings to its own version, at build time.

hatchling's ``custom`` metadata hook. The version is written once, in
``packages/temporal-runtime/src/temporal_runtime/_version.py``, which ``[tool.hatch.version]`` reads.
This hook takes the requirements listed under ``[tool.hatch.metadata.hooks.custom]`` (``dependencies``
and ``optional-dependencies``, the fields ``[project] dynamic`` names) and writes them into the
metadata with ``{version}`` replaced by that version, so ``temporal-runtime-core=={version}`` becomes
``temporal-runtime-core==<the version>``.

A wheel built from an sdist takes its version and dependencies from the sdist's PKG-INFO (hatchling
does that for dynamic fields), so neither the version file nor this hook's output is needed there:
each sdist builds on its own.

Every distribution with siblings has a copy of this file (hatchling looks for it in the project
root, and an sdist holds only that root); tests/packaging/test_packaging.py keeps the copies identical.
"""

from __future__ import annotations

from typing import Any, cast

from hatchling.metadata.plugin.interface import MetadataHookInterface

PLACEHOLDER = "{version}"


class PinSiblingsHook(MetadataHookInterface):
    def update(self, metadata: dict[str, Any]) -> None:
        version: str = metadata["version"]
        dynamic: list[str] = metadata.get("dynamic", [])
        # hatchling annotates `config` as a bare `dict`.
        config = cast("dict[str, Any]", self.config)  # pyright: ignore[reportUnknownMemberType]
        for field in ("dependencies", "optional-dependencies"):
            if field not in config:
                continue
            if field not in dynamic:
                raise ValueError(
                    f"[tool.hatch.metadata.hooks.custom] lists {field} but [project] dynamic does not: "
                    f'add "{field}" to dynamic (and remove [project] {field})'
                )
            template = config[field]
            if field == "dependencies":
                metadata[field] = [entry.replace(PLACEHOLDER, version) for entry in template]
            else:
                metadata[field] = {
                    extra: [entry.replace(PLACEHOLDER, version) for entry in entries]
                    for extra, entries in template.items()
                }
