"""The portal's forms."""
