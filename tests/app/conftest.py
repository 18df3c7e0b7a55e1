"""The web app's fixtures, registered once for the folder (the Playwright browser is one per
session: a second one would be started by each module that imported the fixture)."""

from tests.app.app_support import browser_page, rig
from tests.browser import chromium, playwright_chromium

__all__ = ["browser_page", "chromium", "playwright_chromium", "rig"]
