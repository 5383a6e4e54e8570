"""Portfolios: several programmes, each aligned to its own standard, sharing a module
catalogue; solved, checked, revised and compared jointly."""
