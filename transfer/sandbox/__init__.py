"""A stateful local emulator of the Spotify Web API (Development Mode, after February 2026)."""
