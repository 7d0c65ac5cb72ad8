#!/usr/bin/env python3
"""server.py PORT DIR MODE - the fixture archive of test_outdated.sh over
HTTP on 127.0.0.1, logging "METHOD PATH RANGE" per request to stderr.

  normal   HEAD and GET (GET honours "Range: bytes=A-B")
  nohead   HEAD answers 405, as some servers do: the probe must fall back
           to a one-byte ranged GET
  liar     HEAD of a pool file announces 1 byte more than the file has
"""
import http.server
import os
import sys

PORT, ROOT, MODE = int(sys.argv[1]), sys.argv[2], sys.argv[3]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def body(self, head):
        rng = self.headers.get("Range") or "-"
        sys.stderr.write("%s %s %s\n" % (self.command, self.path, rng))
        sys.stderr.flush()
        path = os.path.join(ROOT, self.path.split("?")[0].lstrip("/"))
        if ".." in self.path or not os.path.isfile(path):
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if head and MODE == "nohead":
            self.send_response(405)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        with open(path, "rb") as f:
            data = f.read()
        size = len(data)
        if head and MODE == "liar" and "/pool/" in self.path:
            size += 1
        if rng.startswith("bytes=") and "-" in rng[6:]:
            a, b = rng[6:].split("-", 1)
            a, b = int(a), int(b) if b else len(data) - 1
            part = data[a:b + 1]
            self.send_response(206)
            self.send_header("Content-Range", "bytes %d-%d/%d" % (a, a + len(part) - 1, len(data)))
            self.send_header("Content-Length", str(len(part)))
            self.end_headers()
            if not head:
                self.wfile.write(part)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(size))
        self.end_headers()
        if not head:
            self.wfile.write(data)

    def do_GET(self):
        self.body(False)

    def do_HEAD(self):
        self.body(True)


http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
