#!/usr/bin/env python3
"""repo_server.py PORT DIR MODE - a small HTTP server on 127.0.0.1 for the
repository tests. Serves DIR (following symlinks) with Range support, and
misbehaves on package files (*.pkg.tar.zst) as MODE says:

  normal    behave
  truncate  announce the full length, send half, close
  oversize  send the file plus 4 KiB of junk (length announced accordingly)
  die       serve one package, then exit abruptly on the next request
  slow      send packages in 64-byte pieces, 50 ms apart
  drip      send every file (INDEX too) 1 byte per second (at most 300 bytes)
  truncindex  announce INDEX's (and INDEX.zst's) full length, send half, close
  endless   packages: no length, zeros until the client hangs up (at most 64 MiB)
  notmodified  answer every request with 304, asked for or not
"""
import http.server
import os
import sys
import time

PORT, ROOT, MODE = int(sys.argv[1]), sys.argv[2], sys.argv[3]
served = 0


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        sys.stderr.write("%s\n" % (fmt % args))

    def do_GET(self):
        global served
        path = os.path.join(ROOT, self.path.split("?")[0].lstrip("/"))
        if MODE == "notmodified":
            self.send_response(304)
            self.end_headers()
            return
        if ".." in self.path or not os.path.isfile(path):
            self.send_error(404)
            return
        with open(path, "rb") as f:
            data = f.read()
        pkg = path.endswith(".pkg.tar.zst")
        if pkg and MODE == "die" and served >= 1:
            os._exit(1)
        if pkg:
            served += 1
        if pkg and MODE == "oversize":
            data += b"\0" * 4096
        start = 0
        rng = self.headers.get("Range")
        if rng:
            sys.stderr.write("range %s %s\n" % (self.path, rng))
        if rng and rng.startswith("bytes=") and rng.endswith("-"):
            start = int(rng[6:-1])
            if start >= len(data):
                self.send_response(416)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, len(data) - 1, len(data)))
        else:
            self.send_response(200)
        body = data[start:]
        if pkg and MODE == "endless":
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            for _ in range(1024):
                self.wfile.write(b"\0" * 65536)
            return
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if pkg and MODE == "truncate":
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        if MODE == "drip" or (MODE == "truncindex" and path.endswith(("/INDEX", "/INDEX.zst"))):
            n = len(body) // 2 if MODE == "truncindex" else min(len(body), 300)
            for i in range(n):
                self.wfile.write(body[i : i + 1])
                self.wfile.flush()
                if MODE == "drip":
                    time.sleep(1)
            self.close_connection = True
            return
        if pkg and MODE == "slow":
            for i in range(0, len(body), 64):
                self.wfile.write(body[i : i + 64])
                self.wfile.flush()
                time.sleep(0.05)
            return
        self.wfile.write(body)


http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
