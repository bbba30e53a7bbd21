"""Run an ASGI app under uvicorn in a background thread, on a loopback port."""

from __future__ import annotations

import threading
import time

import uvicorn

START_TIMEOUT_SECONDS = 30


class BackgroundServer:
    """A uvicorn server on `host`, on a free port unless one is given; stop() shuts it down."""

    def __init__(self, app, host: str = "127.0.0.1", port: int = 0) -> None:
        config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="uvicorn", daemon=True)
        self.host = host
        self.port = port

    def start(self) -> str:
        """Start serving and return the base URL; raise RuntimeError if it does not start in time."""
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the server on {self.host} did not start; is port {self.port} free?")
            time.sleep(0.02)
        self.port = self._server.servers[0].sockets[0].getsockname()[1]
        return f"http://{self.host}:{self.port}"

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
