"""The application layer: one object holding settings, store, catalog, clock and feed key, whose
methods are the use cases the command line and the web edge call."""
