"""salesguide restore FILE [--force]"""

from salesguide.cli.backup import RestoreCommand as Command

__all__ = ["Command"]
