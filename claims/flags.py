"""The flag rules (DESIGN.md rules 1–6, 8 and 9) as pure functions over plain data.

Nothing here touches the ORM or settings: the services load ``ClaimFacts`` and
``RelationFacts`` for the claims a write affects (and their neighbours), call
``evaluate`` and store what it returns. "As of a date" is the same evaluation over the
facts that existed then.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

# Stances and statuses as plain strings, so this module needs no models.
DENIES, CONTRADICTS, SUPPORTS, RETRACTS, SUPERSEDES = "denies", "contradicts", "supports", "retracts", "supersedes"
RETRACTED, SUPERSEDED, CONFIRMED, REFUTED = "retracted", "superseded", "confirmed", "refuted"
CONTESTED, CORROBORATED, UNVERIFIED = "contested", "corroborated", "unverified"
VERDICT_CONFIRMED, VERDICT_FALSE, VERDICT_UNLIKELY = "confirmed", "false", "unlikely"

# The NATO/Admiralty scale: source reliability A (best) to F (cannot be judged), information
# credibility 1 (confirmed) to 6 (cannot be judged).
RELIABILITIES = ("A", "B", "C", "D", "E", "F")
UNGRADED = "F"
CREDIBILITIES = (1, 2, 3, 4, 5, 6)
GRADES = tuple(f"{letter}{digit}" for letter in RELIABILITIES for digit in CREDIBILITIES)
RELIABILITY_WORDS = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}
CREDIBILITY_WORDS = {
    1: "confirmed",
    2: "probably true",
    3: "possibly true",
    4: "doubtful",
    5: "improbable",
    6: "truth cannot be judged",
}

# Reason codes, in the order reasons are listed.
REASON_CODES = (
    "retracted_by",
    "superseded_by",
    "verdict",
    "denied_by",
    "contradicted_by",
    "supported_by",
    "no_independent_support",
)
_VERBS = {
    "retracted_by": "Retracted",
    "superseded_by": "Superseded",
    "denied_by": "Denied",
    "contradicted_by": "Contradicted",
    "supported_by": "Supported",
}


@dataclass(frozen=True, slots=True)
class ClaimFacts:
    """What the rules need to know of one claim."""

    id: int
    claimant_id: int
    bloc_id: int
    claimed_on: date
    claimant_name: str = ""
    spokesperson_name: str = ""
    verdict: str = ""
    verdict_on: date | None = None
    # The best reliability (A best) among the sources of the reports citing the claim; F when none
    # is graded.
    reliability: str = UNGRADED


@dataclass(frozen=True, slots=True)
class RelationFacts:
    """``claim_id`` responds to ``target_id`` with ``stance``."""

    claim_id: int
    target_id: int
    stance: str


@dataclass(frozen=True, slots=True)
class Reason:
    """One cause of a flag or of the status, readable by an analyst."""

    code: str
    claim: int | None
    actor: int | None
    on: date | None
    text: str

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "claim": self.claim,
            "actor": self.actor,
            "on": self.on.isoformat() if self.on else None,
            "text": self.text,
        }


@dataclass(frozen=True, slots=True)
class Flags:
    """The derived state of one claim."""

    status: str
    contested: bool
    corroborated: bool
    unverified: bool
    retracted: bool = False
    superseded: bool = False
    reasons: tuple[Reason, ...] = field(default_factory=tuple)
    grade: str = ""

    def reasons_as_dicts(self) -> list[dict[str, object]]:
        return [reason.as_dict() for reason in self.reasons]


def best_reliability(reliabilities: Iterable[str | None]) -> str:
    """The best (A best) of these source grades; F when there is none, or none is graded. Anything not
    on the scale counts as F: an F source never gives better than F."""
    graded = [r for r in reliabilities if r in RELIABILITIES]
    return min(graded) if graded else UNGRADED


def credibility(status: str, verdict: str = "") -> int:
    """The credibility digit of a claim with this status and counting verdict, the first that
    applies: 6 retracted or superseded; 1 verdict confirmed; 5 refuted, or verdict unlikely;
    4 contested; 2 corroborated; 3 otherwise."""
    if status in (RETRACTED, SUPERSEDED):
        return 6
    if status == CONFIRMED or verdict == VERDICT_CONFIRMED:
        return 1
    if status == REFUTED or verdict in (VERDICT_FALSE, VERDICT_UNLIKELY):
        return 5
    if status == CONTESTED:
        return 4
    if status == CORROBORATED:
        return 2
    return 3


def grade(reliability: str | None, status: str, verdict: str = "") -> str:
    """The Admiralty grade, e.g. "B2": the source letter (``best_reliability``), then ``credibility``."""
    return f"{best_reliability([reliability])}{credibility(status, verdict)}"


def grades_matching(grades: Iterable[str] | None = None, credibility_max: int | str | None = None) -> set[str] | None:
    """The grades a list filter keeps: those named in ``grades`` (all when none is named) whose digit
    is at most ``credibility_max``; None when neither filter is given."""
    if not grades and credibility_max in (None, ""):
        return None
    kept = set(grades) if grades else set(GRADES)
    if credibility_max is not None and credibility_max != "":
        top = int(credibility_max)
        kept = {g for g in kept if int(g[1:]) <= top}
    return kept


def grade_explanation(
    grade_code: str, best_source: str = "", reasons: Iterable[Mapping[str, object]] = ()
) -> tuple[str, str]:
    """Two sentences for a grade: why its letter ("B: best source Reuters, usually reliable") and why
    its digit ("2: probably true, supported by …"), the digit's cause taken from the claim's reasons."""
    letter, digit = grade_code[:1], int(grade_code[1:] or 3)
    if letter == UNGRADED:
        letter_text = f"{letter}: {RELIABILITY_WORDS[letter]} (no source citing it is graded)"
    else:
        letter_text = f"{letter}: best source {best_source or 'unknown'}, {RELIABILITY_WORDS[letter]}"
    wanted = {
        6: ("retracted_by", "superseded_by"),
        1: ("verdict",),
        5: ("verdict",),
        4: ("denied_by", "contradicted_by"),
        2: ("supported_by",),
        3: ("no_independent_support",),
    }[digit]
    causes = [str(r.get("text", "")) for r in reasons if r.get("code") in wanted]
    digit_text = f"{digit}: {CREDIBILITY_WORDS[digit]}"
    if causes:
        digit_text += " (" + "; ".join(causes) + ")"
    elif digit == 5:
        digit_text += " (editorial verdict: judged unlikely)"
    return letter_text, digit_text


def actor_label(facts: ClaimFacts) -> str:
    """ "National Resistance Front (Fahim Dashti)": the claimant, and who spoke for it."""
    if facts.spokesperson_name and facts.spokesperson_name != facts.claimant_name:
        return f"{facts.claimant_name} ({facts.spokesperson_name})"
    return facts.claimant_name or f"actor #{facts.claimant_id}"


def _relation_reason(code: str, responder: ClaimFacts) -> Reason:
    text = f"{_VERBS[code]} by {actor_label(responder)} on {responder.claimed_on.isoformat()}"
    return Reason(code, responder.id, responder.claimant_id, responder.claimed_on, text)


def counting_verdict(facts: ClaimFacts, as_of: date | None) -> str:
    """The verdict as it stood on ``as_of``: one without a date counts only when no date is asked."""
    if not facts.verdict:
        return ""
    if as_of is None:
        return facts.verdict
    if facts.verdict_on is not None and facts.verdict_on <= as_of:
        return facts.verdict
    return ""


class _Graph:
    """Relations indexed for evaluation, restricted to the claims visible on ``as_of``."""

    def __init__(self, claims: Mapping[int, ClaimFacts], relations: Iterable[RelationFacts], as_of: date | None):
        self.claims = claims
        self.as_of = as_of
        self.incoming: dict[int, list[RelationFacts]] = defaultdict(list)
        self.outgoing_contradicts: dict[int, list[RelationFacts]] = defaultdict(list)
        for relation in relations:
            if not (self.visible(relation.claim_id) and self.visible(relation.target_id)):
                continue
            self.incoming[relation.target_id].append(relation)
            if relation.stance == CONTRADICTS:
                self.outgoing_contradicts[relation.claim_id].append(relation)
        self._inert: dict[int, bool] = {}

    def visible(self, claim_id: int) -> bool:
        facts = self.claims.get(claim_id)
        return facts is not None and (self.as_of is None or facts.claimed_on <= self.as_of)

    def own_bloc_responders(self, claim_id: int, stance: str) -> list[ClaimFacts]:
        """Claims of the claim's own bloc that retract or supersede it (whatever their own state)."""
        bloc = self.claims[claim_id].bloc_id
        return [
            self.claims[r.claim_id]
            for r in self.incoming.get(claim_id, ())
            if r.stance == stance and self.claims[r.claim_id].bloc_id == bloc
        ]

    def inert(self, claim_id: int) -> bool:
        """Retracted, superseded or judged false: still shown, but it denies or backs nothing."""
        if claim_id not in self._inert:
            facts = self.claims[claim_id]
            self._inert[claim_id] = bool(
                self.own_bloc_responders(claim_id, RETRACTS)
                or self.own_bloc_responders(claim_id, SUPERSEDES)
                or counting_verdict(facts, self.as_of) == VERDICT_FALSE
            )
        return self._inert[claim_id]

    def independent_live(self, claim: ClaimFacts, responder_id: int) -> ClaimFacts | None:
        responder = self.claims[responder_id]
        if responder.bloc_id == claim.bloc_id or self.inert(responder_id):
            return None  # an echo from the claimant's own bloc (``is_echo``), or an inert claim
        return responder


# The stances by which one claim backs or opposes another; from the claimant's own bloc, an echo.
RESPONDING = (DENIES, CONTRADICTS, SUPPORTS)


def is_echo(stance: str, claimant_bloc_id: int, responder_bloc_id: int) -> bool:
    """Rule 6: a denial, contradiction or support from the claimant's own bloc is an echo: shown,
    but it changes no flag."""
    return stance in RESPONDING and claimant_bloc_id == responder_bloc_id


def _by_date(reasons: list[Reason]) -> list[Reason]:
    return sorted(reasons, key=lambda r: (r.on or date.min, r.claim or 0))


def evaluate_one(claim_id: int, graph: _Graph) -> Flags:
    claim = graph.claims[claim_id]
    retracted = [_relation_reason("retracted_by", f) for f in graph.own_bloc_responders(claim_id, RETRACTS)]
    superseded = [_relation_reason("superseded_by", f) for f in graph.own_bloc_responders(claim_id, SUPERSEDES)]

    denied: list[Reason] = []
    contradicted: dict[int, Reason] = {}
    supported: list[Reason] = []
    for relation in graph.incoming.get(claim_id, ()):
        if relation.stance not in (DENIES, CONTRADICTS, SUPPORTS):
            continue
        responder = graph.independent_live(claim, relation.claim_id)
        if responder is None:
            continue
        if relation.stance == DENIES:
            denied.append(_relation_reason("denied_by", responder))
        elif relation.stance == CONTRADICTS:
            contradicted[responder.id] = _relation_reason("contradicted_by", responder)
        else:
            supported.append(_relation_reason("supported_by", responder))
    for relation in graph.outgoing_contradicts.get(claim_id, ()):
        # Contradiction counts in both directions: the claim it contradicts contradicts it.
        responder = graph.independent_live(claim, relation.target_id)
        if responder is not None and responder.id not in contradicted:
            contradicted[responder.id] = _relation_reason("contradicted_by", responder)

    verdict = counting_verdict(claim, graph.as_of)
    verdict_reasons: list[Reason] = []
    if verdict in (VERDICT_CONFIRMED, VERDICT_FALSE):
        when = f" on {claim.verdict_on.isoformat()}" if claim.verdict_on else ""
        word = "confirmed" if verdict == VERDICT_CONFIRMED else "false"
        verdict_reasons.append(
            Reason("verdict", None, None, claim.verdict_on, f"Editorial verdict{when}: judged {word}")
        )

    contested = bool(denied or contradicted)
    corroborated = bool(supported)
    unverified = not corroborated and verdict != VERDICT_CONFIRMED
    no_support: list[Reason] = []
    if unverified:
        no_support.append(
            Reason(
                "no_independent_support",
                None,
                claim.claimant_id,
                None,
                f"No claim by an actor independent of {claim.claimant_name or 'the claimant'} supports it",
            )
        )

    if retracted:
        status = RETRACTED
    elif superseded:
        status = SUPERSEDED
    elif verdict == VERDICT_CONFIRMED:
        status = CONFIRMED
    elif verdict == VERDICT_FALSE:
        status = REFUTED
    elif contested:
        status = CONTESTED
    elif corroborated:
        status = CORROBORATED
    else:
        status = UNVERIFIED

    reasons = (
        _by_date(retracted)
        + _by_date(superseded)
        + verdict_reasons
        + _by_date(denied)
        + _by_date(list(contradicted.values()))
        + _by_date(supported)
        + no_support
    )
    return Flags(
        status=status,
        contested=contested,
        corroborated=corroborated,
        unverified=unverified,
        retracted=bool(retracted),
        superseded=bool(superseded),
        reasons=tuple(reasons),
        grade=grade(claim.reliability, status, verdict),
    )


def evaluate(
    targets: Iterable[int],
    claims: Mapping[int, ClaimFacts],
    relations: Iterable[RelationFacts],
    *,
    as_of: date | None = None,
) -> dict[int, Flags]:
    """Flags, status and reasons of each target claim.

    ``claims`` must hold the targets, every claim related to them, and every claim that
    retracts or supersedes one of those (their inertness depends on it); ``relations``
    the relations among them. With ``as_of``, claims made after that date and verdicts
    given after it (or undated) are left out; targets made after it are absent from the
    result.
    """
    graph = _Graph(claims, relations, as_of)
    return {claim_id: evaluate_one(claim_id, graph) for claim_id in targets if graph.visible(claim_id)}
