"""Learning outcomes: KSB clusters with drafted outcomes, and a linter for a team's own."""
