"""edge: see bot/__init__.py for the layout."""
