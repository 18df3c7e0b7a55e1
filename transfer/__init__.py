"""spotify-transfer: move a whole Spotify library from one account to another."""

__version__ = "0.1.0"
