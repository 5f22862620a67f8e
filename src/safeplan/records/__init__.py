"""Stored child-level records of the twelve datasets, their import batches and versions."""
