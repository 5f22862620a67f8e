"""The pure engine: periods, working days, the twelve measures, statistics, SPC, RAG.

Nothing in this package imports Django: it takes typed inputs (Polars frames,
frozen dataclasses) and returns typed results, so its tests need no database.
"""
