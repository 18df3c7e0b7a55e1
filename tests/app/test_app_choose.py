"""The choose page with the keyboard only, and the selection it makes: three playlists and the
Liked Songs, and nothing else, in the target afterwards."""

from __future__ import annotations

from typing import Any

from tests.app.app_support import TARGET_USER, Rig, shot
from transfer.journal import Journal, journal_path
from transfer.models import Category
from transfer.plan.selection import load_selection

CHOSEN = ("One song", "51 Shades of Blue", "Road Trip 🚗")
LEFT_OUT = ("albums", "artists", "shows", "episodes", "audiobooks")
MOST_TABS = 120


def tab_to(page: Any, selector: str) -> None:
    """Press Tab until the element ``selector`` has the focus."""
    for _ in range(MOST_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_keyboard_only_selection_of_three_playlists_and_likes(rig: Rig, browser_page: Any
                                                              ) -> None:
    rig.log_in_both()
    server = rig.start_app()
    page = browser_page(server.start_url)
    page.goto(f"{rig.origin}/choose")
    page.get_by_role("checkbox", name="Liked Songs").wait_for()
    for category in LEFT_OUT:
        tab_to(page, f"#category-{category}")
        page.keyboard.press("Space")
    tab_to(page, "button[data-check=none]")
    page.keyboard.press("Enter")
    for name in CHOSEN:
        tab_to(page, f"#playlist-list li[data-name='{name}'] input")
        page.keyboard.press("Space")
    assert page.locator("#playlist-list input:checked").count() == len(CHOSEN)
    shot(page, "3-choose-keyboard")
    tab_to(page, "#choose-form button[type=submit]")
    page.keyboard.press("Enter")
    page.get_by_text("Kept for these accounts.").wait_for()
    tab_to(page, "a[href='/plan']:not(nav a)")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Transfer now").wait_for()
    tab_to(page, "form[action='/plan/go'] button")
    page.keyboard.press("Enter")
    page.get_by_text("The transfer is done.").wait_for()

    after = rig.sandbox.state.dump()
    target = after.libraries[TARGET_USER]
    names = {playlist.id: playlist.name for playlist in after.playlists}
    assert sorted(names[playlist_id] for playlist_id in target.playlists) == sorted(CHOSEN)
    source = rig.before.libraries["alex.old"]
    assert [ref.id for ref in target.tracks] == [ref.id for ref in source.tracks]
    assert not (target.albums or target.artists or target.shows or target.episodes
                or target.audiobooks)
    with Journal.open(journal_path(rig.settings().home, "alex.old", TARGET_USER)) as journal:
        kept = load_selection(journal)
    assert kept.categories == (Category.PLAYLISTS, Category.LIKED_SONGS)
    assert kept.playlists is not None and len(kept.playlists) == len(CHOSEN)


def test_search_filters_the_list_without_script(rig: Rig, playwright_chromium: Any) -> None:
    rig.log_in_both()
    server = rig.start_app()
    context = playwright_chromium.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(server.start_url)
        page.goto(f"{rig.origin}/choose")
        page.get_by_label("Search the playlists").fill("road")
        page.get_by_role("button", name="Search").click()
        shown = page.locator("#playlist-list li:not([hidden])")
        assert sorted(text.strip() for text in shown.all_inner_texts()) == [
            "100 Road Songs", "Road Trip 🚗"]
        assert page.locator("#playlist-list li").count() > 2
    finally:
        context.close()


def test_pages_reflow_at_200_percent_zoom(rig: Rig, playwright_chromium: Any) -> None:
    """At twice the zoom (a 1280 px window shows 640 CSS px) nothing is wider than the window."""
    rig.log_in_both()
    server = rig.start_app()
    context = playwright_chromium.new_context(viewport={"width": 1280, "height": 900},
                                              device_scale_factor=2)
    try:
        page = context.new_page()
        page.goto(server.start_url)
        page.set_viewport_size({"width": 640, "height": 900})
        for path in ("/setup", "/connect", "/choose", "/plan", "/sync"):
            page.goto(f"{rig.origin}{path}")
            if path == "/plan":
                page.get_by_role("button", name="Transfer now").wait_for()
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= 640, (path, wide)
        shot(page, "4-plan-200-percent")
    finally:
        context.close()
