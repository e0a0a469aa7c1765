"""The pure core: the domain model, the rules with their sources, the wording table and the planner.
It reads no clock, file, network or database."""
