"""salesguide backup FILE"""

from salesguide.cli.backup import BackupCommand as Command

__all__ = ["Command"]
