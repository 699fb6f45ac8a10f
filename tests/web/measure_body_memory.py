#!/usr/bin/env python3
"""Issue 21 item 2, the figure. Serves Heard on 127.0.0.1:PORT with uvicorn, POSTs a 300 MB chunked body to
/webhooks/x and prints the server's peak RSS growth and the reply. Run it for this tree and for an old one:

    .venv/bin/python tests/web/measure_body_memory.py 8160
    PYTHONPATH=/tmp/old-tree/src .venv/bin/python tests/web/measure_body_memory.py 8161
"""

import os
import socket
import subprocess
import sys
import tempfile
import time

PORT = int(sys.argv[1])
db = tempfile.mktemp(suffix=".db")
env = {**os.environ, "HEARD_DATABASE_URL": f"sqlite:///{db}", "HEARD_ENV": "test"}
code = (
    "import uvicorn; from heard.app import build_runtime; from heard.settings import Settings; "
    "from heard.web.app import create_app; rt = build_runtime(Settings()); "
    f"uvicorn.run(create_app(rt), host='127.0.0.1', port={PORT}, log_level='error')"
)
server = subprocess.Popen([sys.executable, "-c", code], env=env)
try:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", PORT), 1).close()
            break
        except OSError:
            time.sleep(0.3)

    def hwm() -> int:
        with open(f"/proc/{server.pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) // 1024
        return 0

    before = hwm()
    s = socket.create_connection(("127.0.0.1", PORT))
    s.sendall(
        b"POST /webhooks/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n"
    )
    chunk = b" " * (1 << 20)
    sent = 0
    s.settimeout(60)
    try:
        for _ in range(300):
            s.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
            sent += 1
        s.sendall(b"0\r\n\r\n")
    except OSError:
        pass
    try:
        reply = s.recv(200).split(b"\r\n")[0].decode()
    except OSError as exc:
        reply = f"(no reply: {exc})"
    time.sleep(0.5)
    print(f"sent {sent} MB; reply {reply!r}; server peak RSS {before} MB -> {hwm()} MB (+{hwm() - before} MB)")
finally:
    server.terminate()
    server.wait()
