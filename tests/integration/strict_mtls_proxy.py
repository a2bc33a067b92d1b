"""A TLS proxy that refuses a missing or untrusted client certificate *in the handshake*, with a TLS
alert (``certificate_required``, ``unknown_ca``), as Temporal Cloud and Go gRPC servers do; nginx
instead completes the handshake and answers HTTP 400. Python's ``ssl`` (OpenSSL) on blocking sockets,
one thread per direction of each connection, forwarding bytes to the plaintext ``upstream``."""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
from pathlib import Path

__all__ = ["StrictMtlsProxy"]


class StrictMtlsProxy:
    """Listening on a free loopback port from construction on; :meth:`stop` closes everything."""

    def __init__(self, upstream: str, *, server_cert: Path, server_key: Path, client_ca: Path) -> None:
        host, _, port = upstream.rpartition(":")
        self._upstream = (host, int(port))
        self._context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self._context.load_cert_chain(server_cert, server_key)
        self._context.load_verify_locations(client_ca)
        self._context.verify_mode = ssl.CERT_REQUIRED
        self._context.set_alpn_protocols(["h2"])
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._refusals: list[str] = []
        self._refused = threading.Condition()
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._accepting = threading.Thread(target=self._accept, name="strict-mtls-accept", daemon=True)
        self._accepting.start()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def refusal(self, containing: str, timeout: float = 5) -> str:
        """What OpenSSL said of a refused handshake whose reason contains ``containing`` (e.g.
        ``PEER_DID_NOT_RETURN_A_CERTIFICATE``), waiting for it up to ``timeout`` seconds: the
        client may see the alert before this side has recorded it."""
        with self._refused:
            found = self._refused.wait_for(
                lambda: next((r for r in self._refusals if containing in r), None), timeout
            )
        if found is None:
            raise AssertionError(f"no handshake refused with {containing!r}; refusals: {self._refusals}")
        return found

    def _track(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:  # stop() shut the listener down
                return
            self._track(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            tls = self._context.wrap_socket(conn, server_side=True)  # OpenSSL sends the alert on failure
        except (ssl.SSLError, OSError) as exc:
            with self._refused:
                self._refusals.append(str(exc))
                self._refused.notify_all()
            self._linger(conn)
            return
        try:
            upstream = socket.create_connection(self._upstream)
        except OSError:
            tls.close()
            return
        self._track(tls)
        self._track(upstream)
        threading.Thread(target=self._pump, args=(upstream, tls), daemon=True).start()
        self._pump(tls, upstream)

    @staticmethod
    def _linger(conn: socket.socket) -> None:
        """Close after the peer does: closing with its unread bytes pending would reset the
        connection, and the reset can overtake the alert OpenSSL just sent."""
        with contextlib.suppress(OSError):
            conn.shutdown(socket.SHUT_WR)
            conn.settimeout(5)
            while conn.recv(65536):
                pass
        conn.close()

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                target.shutdown(socket.SHUT_WR)

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        self._listener.close()
        self._accepting.join(timeout=5)
        with self._lock:
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)  # wakes the pumps blocked in recv()
                sock.close()
            self._sockets.clear()
