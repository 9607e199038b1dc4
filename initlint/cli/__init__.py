"""The command line: click options in, engine calls out. Imports nothing heavy at startup."""
