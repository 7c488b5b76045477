"""salesguide export <companies|contacts|sales|activities> [-o FILE] [--language nl|en] [filters]"""

from salesguide.cli.exports import ExportCommand as Command

__all__ = ["Command"]
