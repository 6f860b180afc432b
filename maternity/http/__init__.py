"""HTTP plumbing every app shares: security headers, session renewal, the refusal of NUL characters, the
last-resort error answer, health checks, JSON read with a depth cap, rate limits, safe CSV, deploy checks."""
