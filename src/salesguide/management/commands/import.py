"""salesguide import <companies|contacts|sales> FILE [--dry-run] [--as USERNAME]"""

from salesguide.cli.imports import ImportCommand as Command

__all__ = ["Command"]
