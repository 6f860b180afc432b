"""HTTP plumbing every app shares: security headers, session renewal, the refusal of control characters in
text, the last-resort error answer, health checks, JSON read with a depth cap, rate limits, safe CSV, deploy
checks."""
