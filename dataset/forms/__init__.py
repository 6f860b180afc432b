"""The change site's forms (dataset/views/proposals*.py). They parse only: what is allowed, and what is
wrong with what was typed, is the services' to say (dataset/services), for every caller alike."""
