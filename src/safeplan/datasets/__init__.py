"""The twelve canonical datasets, described once (see `schema`)."""
