"""htq's optimiser: read → validate → build → solve → explain → report."""
