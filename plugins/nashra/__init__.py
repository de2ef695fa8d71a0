"""Nashra: a bilingual (Arabic first, English second) news-and-events site on Pelican."""


def register():
    """Pelican's entry point. Importing this package imports nothing else, so
    that a build can start converting before it imports Pelican (see early.py)."""
    from .plugin import register as connect_signals  # noqa: PLC0415

    connect_signals()


__all__ = ["register"]
