"""salesguide demo [--language nl|en]"""

from salesguide.cli.demo import DemoCommand as Command

__all__ = ["Command"]
