"""Data a clinician edits (TOML exercises, protocols, clinic branding) and rosters (CSV), validated on
load with errors that name the file, the entry and the field."""
