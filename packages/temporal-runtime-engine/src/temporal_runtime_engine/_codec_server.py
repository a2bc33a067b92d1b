"""``CodecServer``: Temporal's codec-server protocol over HTTP, for the Web UI and the Temporal CLI.

The protocol (docs.temporal.io/codec-server): ``POST /encode`` and ``POST /decode`` take and return
``{"payloads": [...]}``, each payload in protobuf's JSON form (``metadata`` values and ``data``
base64-encoded), run through a payload codec. The Web UI calls it from the browser, so it sends
a CORS preflight (``OPTIONS``) first and an ``X-Namespace`` header (and ``Authorization`` when told
to pass the user's access token); the Temporal CLI's ``--codec-endpoint http://host:8081/{namespace}``
puts the namespace in the path instead, so ``/<namespace>/decode`` is served too.

Built on the standard library (``http.server``): one thread per request, and one event loop thread
on which every call of the (async) codec runs.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import threading
from collections.abc import Awaitable, Callable, Iterable, Sequence
from concurrent.futures import TimeoutError as FutureTimeoutError
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, ClassVar, Final, Self, cast

import temporalio.api.common.v1
import temporalio.converter
from google.protobuf import json_format

from temporal_runtime_core import EngineError, InvalidOptionError

__all__ = ["ALLOWED_HEADERS", "DEFAULT_CORS_ORIGINS", "CodecServer"]

log = logging.getLogger("temporal_runtime.codec_server")

DEFAULT_CORS_ORIGINS: Final = ("http://localhost:8233",)
"""The local Web UI of ``temporal server start-dev`` (and ``temporal-runtime dev``)."""

ALLOWED_HEADERS: Final = "X-Namespace, Content-Type, Authorization"
"""The request headers the Web UI sends, allowed in answer to its CORS preflight."""

_MAX_BODY: Final = 64 * 1024 * 1024  # far above the server's 2 MB per payload, times a page of them
_CODEC_TIMEOUT: Final = 60.0

type _Transform = Callable[
    [Sequence[temporalio.api.common.v1.Payload]], Awaitable[list[temporalio.api.common.v1.Payload]]
]


class CodecServer:
    """Serves ``codec`` over Temporal's codec-server protocol on ``http://host:port`` (``port=0``:
    a free one, see :attr:`url`) between :meth:`start` and :meth:`stop` (or in a ``with`` block).

    ``cors_origins``: the browser origins allowed to call it (the Web UI's address as the browser
    sees it; ``"*"`` allows any, which suits no server that decrypts). Requests without an ``Origin``
    header (the Temporal CLI, curl) are always served. ``authorization``: if given, every ``POST``
    must carry exactly this ``Authorization`` header (e.g. ``"Bearer <token>"``) or gets 401.
    Anyone who can reach the server can decrypt with it: keep it on loopback or behind
    authentication.
    """

    DEFAULT_CORS_ORIGINS: ClassVar[tuple[str, ...]] = DEFAULT_CORS_ORIGINS

    def __init__(
        self,
        codec: temporalio.converter.PayloadCodec,
        *,
        host: str = "127.0.0.1",
        port: int = 8081,
        cors_origins: Iterable[str] = DEFAULT_CORS_ORIGINS,
        authorization: str | None = None,
    ) -> None:
        if not isinstance(codec, temporalio.converter.PayloadCodec):  # pyright: ignore[reportUnnecessaryIsInstance]
            raise InvalidOptionError(
                f"CodecServer(codec=...) takes a temporalio.converter.PayloadCodec, got {codec!r}: pass "
                "e.g. AesGcmCodec(keys={...}, active=...) or your own PayloadCodec"
            )
        if not isinstance(port, int) or not 0 <= port <= 65535:  # pyright: ignore[reportUnnecessaryIsInstance]
            raise InvalidOptionError(f"CodecServer(port={port!r}) must be a TCP port (0 for a free one)")
        origins = tuple(
            o.rstrip("/") for o in ([cors_origins] if isinstance(cors_origins, str) else cors_origins)
        )
        if authorization is not None and not authorization.strip():
            raise InvalidOptionError(
                "CodecServer(authorization=...) is empty: pass the exact Authorization header value to "
                "require (e.g. 'Bearer <token>'), or None to serve without one"
            )
        self.codec = codec
        self.host = host
        self.cors_origins = origins
        self._port = port
        self._authorization = authorization
        self._server: ThreadingHTTPServer | None = None
        self._threads: list[threading.Thread] = []
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def port(self) -> int:
        """The port it listens on (the one chosen once started with ``port=0``)."""
        return self._server.server_address[1] if self._server is not None else self._port

    @property
    def url(self) -> str:
        """``http://host:port``: give it to ``--ui-codec-endpoint`` or the Web UI's codec server setting."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> None:
        """Listen and serve in background threads; returns once the port is bound. Raises
        :class:`EngineError` if the port cannot be bound."""
        if self._server is not None:
            return
        handler = type("_BoundHandler", (_Handler,), {"codec_server": self})
        try:
            server = ThreadingHTTPServer((self.host, self._port), handler)
        except OSError as exc:
            raise EngineError(
                f"The codec server cannot listen on {self.host}:{self._port} ({exc.strerror or exc}): is "
                "another server running there? Stop it, or pick another port"
            ) from None
        server.daemon_threads = True
        loop = asyncio.new_event_loop()
        self._server, self._loop = server, loop
        self._threads = [
            threading.Thread(target=loop.run_forever, name="codec-server-loop", daemon=True),
            threading.Thread(target=server.serve_forever, name="codec-server", daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        """Stop serving and release the port (requests in progress are not waited for)."""
        server, self._server = self._server, None
        loop, self._loop = self._loop, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if loop is not None:
            loop.call_soon_threadsafe(loop.stop)
        for thread in self._threads:
            thread.join(5)
        self._threads = []
        if loop is not None:
            loop.close()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<CodecServer {self.url} codec={self.codec!r} cors_origins={list(self.cors_origins)!r}>"

    # --- for the handler --------------------------------------------------------------------------

    def allows_origin(self, origin: str) -> bool:
        return "*" in self.cors_origins or origin.rstrip("/") in self.cors_origins

    def authorized(self, header: str | None) -> bool:
        expected = self._authorization
        if expected is None:
            return True
        return header is not None and hmac.compare_digest(header.encode(), expected.encode())

    def run_codec(
        self, transform: _Transform, payloads: Sequence[temporalio.api.common.v1.Payload]
    ) -> list[temporalio.api.common.v1.Payload]:
        loop = self._loop
        if loop is None:
            raise EngineError("the codec server is stopping")
        future = asyncio.run_coroutine_threadsafe(_call(transform, payloads), loop)
        try:
            return future.result(_CODEC_TIMEOUT)
        except FutureTimeoutError:
            future.cancel()
            raise TimeoutError(f"the payload codec took longer than {_CODEC_TIMEOUT:g} s") from None


async def _call(
    transform: _Transform, payloads: Sequence[temporalio.api.common.v1.Payload]
) -> list[temporalio.api.common.v1.Payload]:
    return await transform(payloads)


class _Handler(BaseHTTPRequestHandler):
    codec_server: CodecServer  # set on the subclass CodecServer.start() makes
    protocol_version = "HTTP/1.1"
    server_version = "temporal-runtime-codec-server"

    def do_OPTIONS(self) -> None:
        origin = self.headers.get("Origin")
        if origin is not None and not self.codec_server.allows_origin(origin):
            self._send_text(HTTPStatus.FORBIDDEN, self._origin_refused(origin))
            return
        self._send(HTTPStatus.NO_CONTENT, b"", None)

    def do_POST(self) -> None:
        action = self.path.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
        if action not in ("encode", "decode"):
            self._discard_body()
            self._send_text(HTTPStatus.NOT_FOUND, f"no {self.path!r} here: POST /encode or /decode")
            return
        origin = self.headers.get("Origin")
        if origin is not None and not self.codec_server.allows_origin(origin):
            self._discard_body()
            self._send_text(HTTPStatus.FORBIDDEN, self._origin_refused(origin))
            return
        if not self.codec_server.authorized(self.headers.get("Authorization")):
            self._discard_body()
            self._send_text(
                HTTPStatus.UNAUTHORIZED,
                "missing or wrong Authorization header: send the one this codec server was configured "
                "with (in the Web UI: Codec Server settings, 'Pass the user access token')",
            )
            return
        try:
            payloads = self._read_payloads()
        except ValueError as exc:
            self._send_text(HTTPStatus.BAD_REQUEST, str(exc))
            return
        codec = self.codec_server.codec
        try:
            result = self.codec_server.run_codec(
                codec.encode if action == "encode" else codec.decode, payloads
            )
        except (ValueError, TimeoutError) as exc:  # PayloadDecryptionError among them
            log.warning("codec server: /%s of %d payload(s) failed: %s", action, len(payloads), exc)
            status = HTTPStatus.BAD_REQUEST if isinstance(exc, ValueError) else HTTPStatus.GATEWAY_TIMEOUT
            self._send_text(status, f"{type(exc).__name__}: {exc}")
            return
        except Exception as exc:
            log.exception("codec server: /%s failed in the payload codec", action)
            self._send_text(
                HTTPStatus.INTERNAL_SERVER_ERROR, f"the payload codec failed: {type(exc).__name__}: {exc}"
            )
            return
        body = json.dumps({"payloads": [json_format.MessageToDict(p) for p in result]}).encode()
        self._send(HTTPStatus.OK, body, "application/json")

    def do_GET(self) -> None:
        self._send_text(
            HTTPStatus.METHOD_NOT_ALLOWED, "the codec server answers POST /encode and POST /decode"
        )

    def _read_payloads(self) -> list[temporalio.api.common.v1.Payload]:
        length_header = self.headers.get("Content-Length")
        try:
            length = int(length_header) if length_header is not None else -1
        except ValueError:
            length = -1
        if length < 0:
            self.close_connection = True
            raise ValueError('the request needs a Content-Length header and a JSON body {"payloads": [...]}')
        if length > _MAX_BODY:
            self.close_connection = True
            raise ValueError(f"the request body is {length} bytes, over the {_MAX_BODY} this server reads")
        raw = self.rfile.read(length)
        try:
            document: Any = json.loads(raw)
        except ValueError as exc:
            raise ValueError(f'the body is not JSON ({exc}): send {{"payloads": [...]}}') from None
        items = cast(dict[str, Any], document).get("payloads", []) if isinstance(document, dict) else None
        if not isinstance(items, list):
            raise ValueError('the body must be a JSON object {"payloads": [...]} (a list of payloads)')
        payloads: list[temporalio.api.common.v1.Payload] = []
        for index, item in enumerate(cast(Sequence[Any], items)):
            try:
                payloads.append(json_format.ParseDict(item, temporalio.api.common.v1.Payload()))
            except (json_format.ParseError, TypeError, AttributeError) as exc:
                raise ValueError(
                    f"payloads[{index}] is not a payload in protobuf JSON ({exc}): write "
                    '{"metadata": {"encoding": "<base64>"}, "data": "<base64>"}'
                ) from None
        return payloads

    def _discard_body(self) -> None:
        length = self.headers.get("Content-Length")
        if length is not None and length.isdigit() and int(length) <= _MAX_BODY:
            self.rfile.read(int(length))
        else:
            self.close_connection = True

    def _origin_refused(self, origin: str) -> str:
        allowed = ", ".join(self.codec_server.cors_origins) or "none"
        return (
            f"origin {origin!r} is not allowed (allowed: {allowed}): start the codec server with "
            f"--cors-origin {origin} (cors_origins=[...]) if that is your Web UI"
        )

    def _send_text(self, status: HTTPStatus, message: str) -> None:
        self._send(status, message.encode() + b"\n", "text/plain; charset=utf-8")

    def _send(self, status: HTTPStatus, body: bytes, content_type: str | None) -> None:
        self.send_response(status)
        origin = self.headers.get("Origin")
        if origin is not None and self.codec_server.allows_origin(origin):
            self.send_header("Access-Control-Allow-Origin", origin)
            self.send_header("Access-Control-Allow-Credentials", "true")
            self.send_header("Access-Control-Allow-Methods", "POST, OPTIONS")
            self.send_header("Access-Control-Allow-Headers", ALLOWED_HEADERS)
            self.send_header("Access-Control-Max-Age", "600")
            self.send_header("Vary", "Origin")
        if content_type is not None:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        namespace = self.headers.get("X-Namespace") if hasattr(self, "headers") else None
        log.debug("codec server: %s%s", format % args, f" (namespace {namespace})" if namespace else "")
