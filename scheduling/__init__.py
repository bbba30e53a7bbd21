"""Scheduling service: slots, bookings and escalations behind the API in docs/api.md."""
