#!/usr/bin/python3
"""A hostile HTTP/2 client for the hostile-input tests: sends exactly the frames a script asks for.

Usage: /usr/bin/python3 h2_hostile.py HOST PORT < script.json > result.json

The script is {"requests": [request, ...], "timeout": seconds}. Each request runs on a connection of its own, in
order, unless it says "connection": "previous" (then it reuses the previous request's connection, for several streams
on one connection). A request is:
  method      HTTP method (default POST)
  path        the :path pseudo-header, sent as given (percent-encoding included)
  headers     [[name, value], ...] after the pseudo-headers; default: the gRPC headers of a call
              (content-type application/grpc, te trailers)
  data        [hex, ...]: one DATA frame per item, sent after the headers
  end         "stream" (default): END_STREAM after the data; "reset": RST_STREAM(CANCEL) after the data;
              "open": leave the stream open (the request is reported as it stands at the end)
  wait        whether to read the response before the next request (default true; "open" streams never wait)
The result is {"requests": [{"status", "headers", "trailers", "data", "reset", "goaway", "closed"}, ...]}: the HTTP
status, response headers and trailers (name: value, lower case), the response body in hex, the RST_STREAM error code
the server sent (or null), the GOAWAY error code (or null), and whether the server closed the connection.
Only the standard library and the h2 package (Debian python3-h2) are used.
"""
import json
import socket
import sys
import time

import h2.config
import h2.connection
import h2.events
import h2.exceptions


class Connection:
    def __init__(self, host, port, timeout):
        self.authority = "%s:%d" % (host, port)
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.deadline = time.monotonic() + timeout
        config = h2.config.H2Configuration(client_side=True, header_encoding="utf-8",
                                           validate_outbound_headers=False, normalize_outbound_headers=False)
        self.h2 = h2.connection.H2Connection(config=config)
        self.h2.initiate_connection()
        self.streams = {}
        self.goaway = None
        self.closed = False
        self.flush()

    def flush(self):
        data = self.h2.data_to_send()
        if data and not self.closed:
            try:
                self.sock.sendall(data)
            except OSError:
                self.closed = True

    def stream(self, stream_id):
        return self.streams.setdefault(stream_id, {"status": None, "headers": {}, "trailers": {}, "data": "",
                                                   "reset": None, "ended": False})

    def pump(self):
        """Reads once from the socket and handles what arrived; returns False when the connection is done."""
        if self.closed:
            return False
        self.sock.settimeout(max(0.05, self.deadline - time.monotonic()))
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            return False
        except OSError:
            self.closed = True
            return False
        if not data:
            self.closed = True
            return False
        try:
            events = self.h2.receive_data(data)
        except Exception:  # the server broke the protocol, or closed: nothing more to read
            self.closed = True
            return False
        for event in events:
            if isinstance(event, h2.events.ResponseReceived):
                record = self.stream(event.stream_id)
                for name, value in event.headers:
                    if name == ":status":
                        record["status"] = int(value)
                    else:
                        record["headers"][name] = value
            elif isinstance(event, h2.events.TrailersReceived):
                self.stream(event.stream_id)["trailers"] = {name: value for name, value in event.headers}
            elif isinstance(event, h2.events.DataReceived):
                self.stream(event.stream_id)["data"] += event.data.hex()
                self.h2.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
            elif isinstance(event, h2.events.StreamEnded):
                self.stream(event.stream_id)["ended"] = True
            elif isinstance(event, h2.events.StreamReset):
                record = self.stream(event.stream_id)
                record["reset"] = int(event.error_code)
                record["ended"] = True
            elif isinstance(event, h2.events.ConnectionTerminated):
                self.goaway = int(event.error_code)
        self.flush()
        return True

    def wait(self, stream_id):
        while not self.stream(stream_id)["ended"] and time.monotonic() < self.deadline:
            if not self.pump() and (self.closed or time.monotonic() >= self.deadline):
                break

    def send(self, request):
        stream_id = self.h2.get_next_available_stream_id()
        headers = [(":method", request.get("method", "POST")), (":scheme", "http"), (":authority", self.authority),
                   (":path", request["path"])]
        headers += [tuple(h) for h in request.get("headers", [["content-type", "application/grpc"], ["te", "trailers"]])]
        data = [bytes.fromhex(d) for d in request.get("data", [])]
        end = request.get("end", "stream")
        self.h2.send_headers(stream_id, headers, end_stream=(end == "stream" and not data))
        self.flush()
        try:
            for i, chunk in enumerate(data):
                end_here = i == len(data) - 1 and end == "stream"
                offset = 0
                while True:
                    # Respect the server's flow-control window, as a real client would.
                    window = min(self.h2.local_flow_control_window(stream_id), self.h2.max_outbound_frame_size)
                    if window <= 0 and offset < len(chunk):
                        if not self.pump() and (self.closed or time.monotonic() >= self.deadline):
                            return stream_id
                        continue
                    piece = chunk[offset:offset + window]
                    offset += len(piece)
                    self.h2.send_data(stream_id, piece, end_stream=end_here and offset >= len(chunk))
                    self.flush()
                    if offset >= len(chunk):
                        break
            if end == "reset":
                self.h2.reset_stream(stream_id, error_code=8)
                self.flush()
        except (h2.exceptions.StreamClosedError, h2.exceptions.ProtocolError):
            pass  # the server ended the stream while the request was being sent: its answer says why
        return stream_id

    def result(self, stream_id):
        record = dict(self.stream(stream_id))
        del record["ended"]
        record["goaway"] = self.goaway
        record["closed"] = self.closed
        return record

    def close(self):
        try:
            self.h2.close_connection()
            self.flush()
            self.sock.close()
        except OSError:
            pass


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    script = json.load(sys.stdin)
    timeout = float(script.get("timeout", 20))
    connection = None
    sent = []
    for request in script["requests"]:
        if request.get("connection") != "previous" or connection is None:
            connection = Connection(host, port, timeout)
        stream_id = connection.send(request)
        sent.append((connection, stream_id))
        if request.get("end", "stream") != "open" and request.get("wait", True):
            connection.wait(stream_id)
    # Streams that did not wait are reported as they stand: nothing more is read for them.
    json.dump({"requests": [connection.result(stream_id) for connection, stream_id in sent]}, sys.stdout)
    for connection in {id(c): c for c, _ in sent}.values():
        connection.close()


if __name__ == "__main__":
    main()
