"""Human hand-off: the staff queue's live events, staff replies and the conversation timeline.

A conversation enters hand-off when the chat service opens an escalation in the scheduling API.
Staff then work it from the console (`assistant.web.staff_api`): claim, read the transcript,
reply, book for the patient, hand back to the bot or resolve.
"""
