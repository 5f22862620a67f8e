"""safeplan: a Safeguarding Children Partnership's plan on a page, run as a live system."""

__version__ = "0.1.0"
