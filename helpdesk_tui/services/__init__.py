"""Use cases: the only callers of the store; one transaction each."""
