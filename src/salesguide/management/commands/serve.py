"""salesguide serve [--host 127.0.0.1] [--port 8000]"""

from salesguide.cli.serve import ServeCommand as Command

__all__ = ["Command"]
