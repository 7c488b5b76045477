"""salesguide ensureadmin"""

from salesguide.cli.accounts import EnsureAdminCommand as Command

__all__ = ["Command"]
