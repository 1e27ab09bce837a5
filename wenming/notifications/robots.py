"""Group-chat robots: each one's documented message format, signing and answer.

- WeCom (企业微信) group robot: POST `{"msgtype": "markdown", "markdown": {"content": …}}`;
  the answer is `{"errcode": 0, "errmsg": "ok"}`; no signing (the key is in the URL).
- DingTalk (钉钉) custom robot: POST `{"msgtype": "markdown", "markdown": {"title", "text"}}`;
  with a secret, `timestamp` (ms) and `sign` = urlencode(base64(HmacSHA256(key=secret,
  msg="{timestamp}\\n{secret}"))) go in the query string; answer `{"errcode": 0, …}`.
- Feishu (飞书) custom bot: POST `{"msg_type": "text", "content": {"text"}}` or
  `{"msg_type": "post", "content": {"post": {"zh_cn": {"title", "content": [[…]]}}}}`; with a
  secret, `timestamp` (s) and `sign` = base64(HmacSHA256(key="{timestamp}\\n{secret}",
  msg="")) go in the body; answer `{"code": 0, …}` (older bots: `{"StatusCode": 0, …}`).
"""

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings

from .models import RobotKind

TIMEOUT_SECONDS = 5
WECOM_MAX_BYTES = 4096  # WeCom refuses markdown longer than this


@dataclass(frozen=True)
class Outgoing:
    """What a robot is told: a kind label, a title, a text and an absolute link (or "")."""

    label: str
    title: str
    body: str
    link: str


@dataclass(frozen=True)
class SendResult:
    ok: bool
    error: str = ""
    http_status: int | None = None


def _markdown(out: Outgoing, link_text: str) -> str:
    lines = [f"**【{out.label}】{out.title}**"]
    if out.body:
        lines.append(out.body)
    if out.link:
        lines.append(f"[{link_text}]({out.link})")
    return "\n\n".join(lines)


def wecom_payload(out: Outgoing, *, link_text: str) -> dict:
    content = _markdown(out, link_text)
    while len(content.encode("utf-8")) > WECOM_MAX_BYTES:
        content = content[: int(len(content) * 0.9)]
    return {"msgtype": "markdown", "markdown": {"content": content}}


def dingtalk_payload(out: Outgoing, *, link_text: str) -> dict:
    return {
        "msgtype": "markdown",
        "markdown": {
            "title": f"{out.label}：{out.title}"[:100],
            "text": "#### " + _markdown(out, link_text),
        },
    }


def feishu_payload(out: Outgoing, *, link_text: str) -> dict:
    if not out.link:
        text = f"【{out.label}】{out.title}" + (f"\n{out.body}" if out.body else "")
        return {"msg_type": "text", "content": {"text": text}}
    content = [[{"tag": "text", "text": line}] for line in out.body.splitlines() if line.strip()]
    content.append([{"tag": "a", "text": link_text, "href": out.link}])
    return {
        "msg_type": "post",
        "content": {
            "post": {"zh_cn": {"title": f"【{out.label}】{out.title}", "content": content}}
        },
    }


def dingtalk_signed_url(url: str, secret: str, *, now_ms: int | None = None) -> str:
    timestamp = str(now_ms if now_ms is not None else int(time.time() * 1000))
    digest = hmac.new(
        secret.encode("utf-8"), f"{timestamp}\n{secret}".encode(), hashlib.sha256
    ).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    joiner = "&" if urllib.parse.urlsplit(url).query else "?"
    return f"{url}{joiner}timestamp={timestamp}&sign={sign}"


def feishu_sign(secret: str, timestamp: str) -> str:
    digest = hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def build_request(
    *, kind: str, url: str, secret: str, out: Outgoing, link_text: str
) -> tuple[str, dict]:
    """The URL to post to and the JSON body, in the robot's own format."""
    if kind == RobotKind.WECOM:
        return url, wecom_payload(out, link_text=link_text)
    if kind == RobotKind.DINGTALK:
        target = dingtalk_signed_url(url, secret) if secret else url
        return target, dingtalk_payload(out, link_text=link_text)
    if kind == RobotKind.FEISHU:
        payload = feishu_payload(out, link_text=link_text)
        if secret:
            timestamp = str(int(time.time()))
            payload = {"timestamp": timestamp, "sign": feishu_sign(secret, timestamp), **payload}
        return url, payload
    raise ValueError(f"unknown robot kind {kind!r}")


def _answer_error(kind: str, raw: bytes) -> str:
    """The robot's own error in a 200 answer, or "" when it accepted the message."""
    try:
        answer = json.loads(raw.decode("utf-8") or "{}")
    except (UnicodeDecodeError, ValueError):
        return ""  # not JSON: a 2xx is all we can judge by
    if not isinstance(answer, dict):
        return ""
    if kind == RobotKind.FEISHU:
        code = answer.get("code", answer.get("StatusCode", 0))
        message = answer.get("msg", answer.get("StatusMessage", ""))
    else:
        code, message = answer.get("errcode", 0), answer.get("errmsg", "")
    return "" if code in (0, "0", None) else f"{code}: {message}"


def post_json(*, kind: str, url: str, payload: dict) -> SendResult:
    """POST the payload; any network error, non-2xx or robot error code is a failure."""
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(  # noqa: S310 (office-configured http(s) URL, checked on save)
        url,
        data=data,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": f"Wenming/{getattr(settings, 'WENMING_VERSION', '1')}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            status, raw = response.status, response.read(65536)
    except urllib.error.HTTPError as exc:
        detail = exc.read(500).decode("utf-8", "replace").strip()
        return SendResult(False, f"HTTP {exc.code}: {detail or exc.reason}"[:1000], exc.code)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return SendResult(False, f"{type(exc).__name__}: {reason}"[:1000])
    error = _answer_error(kind, raw)
    if error:
        return SendResult(False, error[:1000], status)
    return SendResult(True, "", status)
