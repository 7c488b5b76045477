"""salesguide guide export|import"""

from salesguide.cli.guides import GuideCommand as Command

__all__ = ["Command"]
