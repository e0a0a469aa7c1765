"""Exporters: a Plan in, bytes out; they format, they never decide."""
