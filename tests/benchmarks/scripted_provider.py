"""A scripted OpenAI-compatible chat-completions endpoint that answers after a delay.

Served by uvicorn for faults_load.py: every completion is a plain text answer, sent after
`SCRIPTED_DELAY_SECONDS` (a slow model). No tool calls, no key checked. `GET /arrivals` lists
when each completion request arrived (Unix time), for the benchmark's phases.
"""

import asyncio
import os
import time

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

DELAY_SECONDS = float(os.environ.get("SCRIPTED_DELAY_SECONDS", "5"))
ARRIVALS: list[float] = []


async def completions(request: Request) -> JSONResponse:
    """One chat completion, after the delay."""
    ARRIVALS.append(time.time())
    body = await request.json()
    await asyncio.sleep(DELAY_SECONDS)
    return JSONResponse(
        {
            "id": "chatcmpl-scripted",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", "scripted"),
            "choices": [
                {
                    "index": 0,
                    "finish_reason": "stop",
                    "message": {"role": "assistant", "content": "Done thinking."},
                }
            ],
        }
    )


async def arrivals(_request: Request) -> JSONResponse:
    """When each completion request arrived, in order (Unix time)."""
    return JSONResponse(ARRIVALS)


app = Starlette(
    routes=[
        Route("/v1/chat/completions", completions, methods=["POST"]),
        Route("/arrivals", arrivals, methods=["GET"]),
    ]
)
