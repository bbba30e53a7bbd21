"""What the local engine did in its last turn, carried in its AI messages between turns.

The local engine is stateless between calls: it rebuilds the conversation from the messages.
Each AI message it writes carries an `Act` in `additional_kwargs["local_act"]`, so the next call
knows what was offered, what awaits a yes, and which appointment is being changed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

from assistant.engines.local.state import SystemAct

ACT_KEY = "local_act"


@dataclass
class Act:
    """The engine's last move.

    `offered` items have `kind` ("slot", "appointment" or "provider"), `id`, and the fields
    provider, site, appointment_type, date (ISO) and time (HH:MM) where they apply.
    `confirming` is the pending tool call {"tool", "args", "summary"}. `goal` is the action the
    patient is working towards and `target` the appointment it changes. `misunderstood` counts
    consecutive turns the engine could not act on. `criteria` holds the new date and time a
    patient gave while asking to reschedule, used once the appointment is known.
    `search_from_turn` is the turn of the patient's latest new request; searches use only slot
    values given from that turn on.
    """

    offered: list[dict] = field(default_factory=list)
    confirming: dict | None = None
    goal: str | None = None
    target: dict | None = None
    requested: list[str] = field(default_factory=list)
    misunderstood: int = 0
    criteria: dict | None = None
    search_from_turn: int = 0

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict | None) -> Act:
        return cls(**data) if data else cls()

    def system_act(self) -> SystemAct:
        """Describe this act to the tracker, with dates and times as Python values."""
        return SystemAct(
            offered=tuple(_tracker_option(item) for item in self.offered),
            requested=tuple(self.requested),
            confirming=self.confirming,
        )


def _tracker_option(item: dict) -> dict[str, object]:
    option: dict[str, object] = {"kind": item.get("kind"), "id": item.get("id")}
    for name in ("provider", "site", "appointment_type"):
        if item.get(name):
            option[name] = item[name]
    if item.get("date"):
        option["date"] = dt.date.fromisoformat(item["date"])
    if item.get("time"):
        option["time"] = dt.time.fromisoformat(item["time"])
    return option
