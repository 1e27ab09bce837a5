"""A real HTTP server on 127.0.0.1 standing in for the group robots."""

import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest


@dataclass
class Received:
    path: str
    query: dict
    headers: dict
    body: dict


@dataclass
class RobotServer:
    """Answers each POST with the next scripted (status, JSON) reply; the last one repeats."""

    replies: list
    received: list[Received] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/robot/send?access_token=abc"

    def next_reply(self):
        index = min(len(self.received) - 1, len(self.replies) - 1)
        return self.replies[index]


def _handler_for(robot: RobotServer):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's naming)
            length = int(self.headers.get("Content-Length", 0))
            raw = self.rfile.read(length)
            parts = urlsplit(self.path)
            robot.received.append(
                Received(
                    path=parts.path,
                    query={k: v[0] for k, v in parse_qs(parts.query).items()},
                    headers=dict(self.headers),
                    body=json.loads(raw.decode("utf-8")),
                )
            )
            status, reply = robot.next_reply()
            data = json.dumps(reply).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture
def robot_server():
    """`robot_server([(200, {"errcode": 0})])` starts a server; all are stopped after the test."""
    started = []

    def start(replies):
        robot = RobotServer(replies=list(replies))
        robot.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(robot))
        thread = threading.Thread(target=robot.server.serve_forever, daemon=True)
        thread.start()
        started.append(robot)
        return robot

    yield start
    for robot in started:
        robot.server.shutdown()
        robot.server.server_close()


@pytest.fixture
def refused_url():
    """An address on 127.0.0.1 where nothing listens: connecting is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/cgi-bin/webhook/send?key=gone"
