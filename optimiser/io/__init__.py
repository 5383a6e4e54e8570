"""Readers and writers: file <-> plain data <-> models. Nothing here solves."""

from optimiser.io.load import load_scenario, load_standard, scenario_from_data

__all__ = ["load_scenario", "load_standard", "scenario_from_data"]
