"""Views of a result: terminal, JSON and Excel."""
