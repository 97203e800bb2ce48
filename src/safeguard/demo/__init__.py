"""A demo authority whose records reproduce the seed report's figures (counted by meeting)."""

from safeguard.demo.authority import write_demo_bundle

__all__ = ["write_demo_bundle"]
