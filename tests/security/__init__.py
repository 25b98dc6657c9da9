"""Reproductions of the holes of issue 13, each run against the real bot service over HTTP."""
