"""netweave: run a curated networking event for an online community."""

__version__ = "0.1.0"
