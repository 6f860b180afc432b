"""Webhook delivery: signing secrets, receiver URLs, signed messages, retry timing, the delivery step
and the worker loop. The subscription rows themselves are changed only by `spine.services`."""
