"""A move of the local engine: a reply to the patient or one tool call, with the act it leaves."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.engines.local.act import Act


@dataclass
class Move:
    """Either `text` for the patient or a tool call (`tool`, `args`); `act` is carried forward."""

    act: Act
    text: str | None = None
    tool: str | None = None
    args: dict | None = None


def reply(text: str, act: Act) -> Move:
    return Move(act=act, text=text)


def tool_call(tool: str, args: dict, act: Act) -> Move:
    return Move(act=act, tool=tool, args=args)
