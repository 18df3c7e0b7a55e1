"""Word lists the seed generator draws realistic-looking names from (no external data)."""

from __future__ import annotations

ADJECTIVES = (
    "Golden", "Silent", "Electric", "Broken", "Velvet", "Neon", "Wild", "Hollow", "Lonely",
    "Burning", "Crystal", "Midnight", "Paper", "Silver", "Restless", "Quiet", "Fading", "Sweet",
    "Faded", "Endless", "Secret", "Crimson", "Distant", "Gentle", "Honest", "Hidden", "Lucky",
    "Northern", "Southern", "Open", "Painted", "Rusty", "Shallow", "Strange", "Sunny", "Tender",
    "Warm", "Cold", "Blue", "Bright", "Heavy", "Little", "Lost", "Modern", "Pale", "Rolling",
    "Slow", "Summer", "Winter", "Young",
)

NOUNS = (
    "Heart", "River", "Summer", "Highway", "Lantern", "Garden", "Harbor", "Ocean", "Mirror",
    "Shadow", "Window", "Fire", "Thunder", "Echo", "Horizon", "Satellite", "Daydream", "Letter",
    "Morning", "Island", "Mountain", "Radio", "Signal", "Station", "Storm", "Sunset", "Tide",
    "Train", "Valley", "Wave", "City", "Dream", "Feather", "Forest", "Ghost", "Light", "Machine",
    "Moon", "Night", "Road", "Rain", "Rose", "Season", "Sky", "Smoke", "Star", "Stone", "Street",
    "Water", "Wind",
)

PLURALS = (
    "Lights", "Wolves", "Kids", "Strangers", "Rivers", "Birds", "Ghosts", "Horses", "Machines",
    "Echoes", "Lovers", "Sparrows", "Dreamers", "Pilots", "Brothers", "Sisters", "Tigers", "Keys",
)

FIRST_NAMES = (
    "Ava", "Noah", "Lena", "Marco", "Priya", "Jonas", "Chloe", "Mateo", "Yuki", "Elif", "Omar",
    "Sofia", "Liam", "Nina", "Ravi", "Ingrid", "Tomás", "Zara", "Felix", "Maya", "Kofi", "Hana",
    "Luca", "Ines", "Oskar", "Amara", "Diego", "Freya", "Malik", "Clara",
)

LAST_NAMES = (
    "Hart", "Rivera", "Lindqvist", "Okafor", "Moreau", "Tanaka", "Novak", "Silva", "Kowalski",
    "Haddad", "Brennan", "Castillo", "Fischer", "Nakamura", "Oliveira", "Petrov", "Quinn",
    "Rossi", "Schmidt", "Varga", "Walsh", "Yilmaz", "Costa", "Dubois", "Eriksen", "Laurent",
)

# Names in other scripts, so every client meets non-Latin text (and right-to-left text).
WORLD_ARTISTS = (
    "Сребърни Птици", "Нощен Влак", "فرقة القمر", "ليلى والنجوم", "夜明けバンド", "青い鳥",
    "Οι Γλάροι", "Μελτέμι", "Ярослава", "مدينة الضوء",
)

WORLD_TITLES = (
    "Песен за морето", "Утро в планината", "على الطريق", "حبيبي يا نور العين", "さくらの歌",
    "東京の夜", "Θάλασσα μου", "Το τελευταίο καλοκαίρι", "Зимна приказка", "星の降る夜",
)

TITLE_SUFFIXES = (
    " - Remastered 2011", " (Live)", " - Radio Edit", " (Acoustic)", " - 2019 Remaster",
    " (Demo)", " - Single Version",
)

PLAYLIST_THEMES = (
    "Sunday Morning", "Late Night Drive", "Focus Flow", "Rainy Days", "Kitchen Dancing",
    "Throwbacks", "Workout Mix", "Chill Evening", "Study Session", "Party Starters",
    "Sad Bangers", "Coffee Shop", "Summer Vibes", "Winter Warmers", "Indie Discoveries",
    "Wedding Ideas", "Songs for Mum", "Bus Ride Home", "Deep Cuts", "Guilty Pleasures",
    "Running 10k", "Sleep", "Cooking", "Dinner Party", "Gaming", "Roadhouse Blues",
)

DESCRIPTIONS = (
    "Songs I keep coming back to.",
    "For the long way home.",
    "Started this in {year}, still adding.",
    "No skips allowed.",
    "Loud. Louder. Loudest.",
    "Soft things for slow mornings.",
    "Collected on tour, {year}.",
    "Mostly {genre}, a bit of everything else.",
)

GENRES = (
    "indie", "jazz", "hip hop", "folk", "synthpop", "soul", "techno", "metal", "bossa nova",
    "punk", "classical", "afrobeat", "k-pop", "reggae",
)

SHOW_PATTERNS = (
    "The {adjective} {noun} Podcast", "{noun} Talk", "{genre} Weekly", "Stories from the {noun}",
    "The Daily {noun}", "{first} & {first2} Explain Everything",
)

PUBLISHERS = (
    "Northwind Audio", "Blue Harbor Media", "Paper Lantern Studios", "Open Road Radio",
    "Little Machine Productions", "Tidewater Podcasts",
)

EPISODE_TOPICS = (
    "Why We Sleep", "The History of the Cassette", "Interview with {first} {last}",
    "Listener Questions", "Behind the {noun}", "What Happened in {year}", "A Guide to {genre}",
    "The {adjective} Truth", "Live from the {noun}", "Season Finale",
)

BOOK_PATTERNS = (
    "The {noun} of {noun2}", "{adjective} {noun}", "A {adjective} {noun}", "The Last {noun}",
    "Letters from the {noun}", "{first}'s {noun}",
)
