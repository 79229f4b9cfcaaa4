"""congvan: Vietnamese official dispatches (công văn) into a structured task register."""

__version__ = "0.1.0"
