"""Job handlers of the accounts module: SMS delivery through the configured gateway."""

from __future__ import annotations

import json
import logging
import urllib.request
from typing import Any

from lianfang.core.context import Ctx
from lianfang.core.crypto import vault
from lianfang.core.jobs import Runtime

log = logging.getLogger("lianfang.sms")


def send_sms(ctx: Ctx, payload: dict[str, Any]) -> None:
    keys = vault(ctx.settings)
    to, text = keys.open(payload["to"]), keys.open(payload["text"])
    if ctx.settings.sms_gateway == "log":
        log.warning("SMS to %s: %s", to, text)
        return
    body = json.dumps({"to": to, "text": text}).encode()
    request = urllib.request.Request(  # noqa: S310 (the URL is the operator's configured gateway)
        ctx.settings.sms_http_url, data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        if response.status >= 300:
            msg = f"SMS gateway answered {response.status}"
            raise RuntimeError(msg)


def register(runtime: Runtime) -> None:
    runtime.handlers["sms.send"] = send_sms
