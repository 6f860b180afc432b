"""The data set's pages, one module per part (the change site's are proposals*.py)."""
