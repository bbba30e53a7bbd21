"""Server-side sessions with opaque ids, kept in Redis or in process memory."""
