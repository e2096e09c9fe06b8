"""Who a name in the data points at: the kind of an outlet (wire, NGO, social media) and claimants
that name no one in particular ("police", "local officials")."""

from __future__ import annotations

import re

from sources.models import Source

# A source_original made only of these words names no one in particular ("police", "local
# officials", "MoD"): it is qualified by the country ("Police (Afghanistan)").
GENERIC_WORDS = {
    "a",
    "an",
    "the",
    "of",
    "and",
    "from",
    "in",
    "gov",
    "govt",
    "local",
    "senior",
    "provincial",
    "district",
    "regional",
    "state",
    "national",
    "federal",
    "police",
    "policeman",
    "policemen",
    "polícia",
    "policia",
    "official",
    "officials",
    "officer",
    "officers",
    "military",
    "army",
    "armed",
    "forces",
    "force",
    "security",
    "government",
    "governor",
    "governors",
    "spokesman",
    "spokesmen",
    "spokesperson",
    "spokeswoman",
    "spokespeople",
    "ministry",
    "minister",
    "mod",
    "moi",
    "defense",
    "defence",
    "interior",
    "authorities",
    "authority",
    "statement",
    "statements",
    "source",
    "sources",
    "report",
    "reports",
    "commander",
    "commanders",
    "chief",
    "troops",
    "soldiers",
    "witness",
    "witnesses",
    "eyewitness",
    "eyewitnesses",
    "resident",
    "residents",
    "relative",
    "relatives",
    "locals",
    "villager",
    "villagers",
    "medical",
    "medics",
    "doctor",
    "doctors",
    "hospital",
    "hospitals",
    "elder",
    "elders",
    "tribal",
    "media",
    "press",
    "office",
    "spokesman's",
    "governor's",
    "army's",
}
STATE_WORDS = {
    "police",
    "policeman",
    "policemen",
    "official",
    "officials",
    "officer",
    "officers",
    "military",
    "army",
    "armed",
    "forces",
    "force",
    "security",
    "government",
    "governor",
    "governors",
    "ministry",
    "minister",
    "mod",
    "moi",
    "defense",
    "defence",
    "interior",
    "authorities",
    "authority",
    "troops",
    "soldiers",
    "governor's",
    "army's",
}
WIRE_WORDS = (
    "news agency",
    "reuters",
    "agence france",
    "afp",
    "associated press",
    "xinhua",
    "press trust",
    "tass",
    "ria novosti",
    "anadolu",
    "bbc monitoring",
    "pajhwok",
    "bakhtar",
    "interfax",
    "efe",
    "dpa",
)
NGO_WORDS = (
    "sohr",
    "observatory",
    "vdc",
    "violations documentation",
    "human rights",
    "amnesty",
    "hrw",
    "unama",
    "ocha",
    "security tracker",
    "noche y niebla",
    "provea",
    "satp",
    "airwars",
    "crisis watch",
    "ucdp",
)
SOCIAL_WORDS = ("twitter", "facebook", "telegram", "youtube", "instagram", "tiktok")


def source_kind(name: str) -> str:
    lowered = f" {name.lower()} "
    if any(word in lowered for word in SOCIAL_WORDS):
        return Source.Kind.SOCIAL_MEDIA
    if any(word in lowered for word in WIRE_WORDS):
        return Source.Kind.WIRE
    if any(word in lowered for word in NGO_WORDS):
        return Source.Kind.NGO
    return Source.Kind.OTHER


def is_generic(name: str) -> bool:
    words = re.findall(r"[\w’']+", name.lower())
    return bool(words) and all(word.replace("’", "'") in GENERIC_WORDS for word in words)
