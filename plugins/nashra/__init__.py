"""Nashra: a bilingual (Arabic first, English second) news-and-events site on Pelican."""

from .plugin import register

__all__ = ["register"]
