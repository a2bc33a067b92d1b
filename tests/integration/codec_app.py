"""A module for ``temporal-runtime codec-server --codec tests.integration.codec_app:...`` to import,
and the workflow of tests/integration/test_codec_server.py (whose module imports httpx, which the
workflow sandbox would refuse)."""

from __future__ import annotations

from pydantic import BaseModel

from temporal_runtime import AesGcmCodec, Workflow

KEY = bytes(range(7, 39))


def make_codec() -> AesGcmCodec:
    """A factory, as ``--codec MODULE:FUNCTION`` may name."""
    return AesGcmCodec(keys={"app-key": KEY}, active="app-key")


not_a_codec = "a string"


class CsParcel(BaseModel):
    label: str


class CsEchoWorkflow(Workflow):
    async def run(self, parcel: CsParcel) -> CsParcel:
        return parcel
