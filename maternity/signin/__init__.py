"""Signing in and acting: which Care Location a professional acts for and the Actor she is, the OpenID
Connect claim checks, and the rate limits on the sign-in pages."""
