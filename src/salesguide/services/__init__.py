"""Use cases: the only code that writes. Each owns its transaction, checks permissions, calls the domain."""
