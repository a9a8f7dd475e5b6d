"""Run one demo app in Werkzeug's threaded server on loopback, port chosen by the OS.

``python -m flaskglobals_lint.demo.serve APP_DIR MODULE`` prints
``serving on port N`` once it accepts connections, and serves until it is
terminated.  Only the bundled demo apps are run this way; the linter itself
never imports the code it analyses.
"""
from __future__ import annotations

import importlib
import signal
import sys
from types import FrameType
from typing import Optional


def main(argv: list[str]) -> int:
    app_dir, module_name = argv[1], argv[2]
    sys.path.insert(0, app_dir)
    module = importlib.import_module(module_name)
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, module.app, threaded=True)

    def stop(signum: int, frame: Optional[FrameType]) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    print(f"serving on port {server.server_port}", flush=True)
    try:
        server.serve_forever(poll_interval=0.1)
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
