"""Claims, their citations and the relations between them.

The derived fields (``status``, ``contested``, ``corroborated``, ``unverified``,
``reasons``, ``grade``) are written only by ``claims.services.claims_recompute`` from the pure
rules in ``claims.flags``.
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

# A quote in its language (DESIGN.md, "Quote in its language"): the same fields on a claim and on a
# citation, checked by ``claims.services.validation.quote_settle``.
QUOTE_FIELDS = ("quote", "language", "translation", "translation_language", "translated_by", "translated_at")


class Claim(models.Model):
    """A dated assertion by an actor, attributed to at least one report."""

    class Kind(models.TextChoices):
        CONTROL = "control", "Control"
        CASUALTIES = "casualties", "Casualties"
        ATTACK = "attack", "Attack"
        ADVANCE = "advance", "Advance"
        STATEMENT = "statement", "Statement"
        OTHER = "other", "Other"

    class DatePrecision(models.TextChoices):
        DAY = "day", "Day"
        WEEK = "week", "Week"
        MONTH = "month", "Month"
        APPROXIMATE = "approximate", "Approximate"

    class CountUnit(models.TextChoices):
        """What ``count_min``/``count_max`` count (empty: not said)."""

        KILLED = "killed", "Killed"
        WOUNDED = "wounded", "Wounded"
        KILLED_OR_WOUNDED = "killed_or_wounded", "Killed or wounded"
        CAPTURED = "captured", "Captured"
        MISSING = "missing", "Missing"
        DISPLACED = "displaced", "Displaced"
        POSITIONS = "positions", "Positions"
        VILLAGES = "villages", "Villages"
        VEHICLES = "vehicles", "Vehicles"
        PERSONNEL = "personnel", "Personnel"
        OTHER = "other", "Other"

    class Verdict(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed"
        LIKELY = "likely", "Likely"
        UNPROVEN = "unproven", "Unproven"
        UNLIKELY = "unlikely", "Unlikely"
        FALSE = "false", "False"

    class Status(models.TextChoices):
        RETRACTED = "retracted", "Retracted"
        SUPERSEDED = "superseded", "Superseded"
        CONFIRMED = "confirmed", "Confirmed"
        REFUTED = "refuted", "Refuted"
        CONTESTED = "contested", "Contested"
        CORROBORATED = "corroborated", "Corroborated"
        UNVERIFIED = "unverified", "Unverified"

    claimant = models.ForeignKey("actors.Actor", on_delete=models.PROTECT, related_name="claims_made")
    spokesperson = models.ForeignKey(
        "actors.Actor", null=True, blank=True, on_delete=models.PROTECT, related_name="claims_voiced"
    )
    claimed_on = models.DateField(help_text="The date the claim was made.")  # indexed by claim_claimed_id_idx
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.STATEMENT)
    summary = models.CharField(max_length=1000, help_text="One sentence: what is claimed.")
    quote = models.TextField(blank=True, help_text="Verbatim, in the original language where known.")
    language = models.CharField(
        max_length=35, blank=True, help_text="The quote's language (BCP 47: ps, prs, ar, uk …)."
    )
    translation = models.TextField(blank=True, help_text="The quote translated; needs the original quote.")
    translation_language = models.CharField(
        max_length=35, blank=True, default="en", help_text="The translation's language (BCP 47; default en)."
    )
    translated_by = models.CharField(
        max_length=200, blank=True, help_text="Who translated it: a person's name, or machine:<engine>."
    )
    translated_at = models.DateTimeField(null=True, blank=True, help_text="When it was translated.")

    subject = models.ForeignKey(
        "actors.Actor",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claims_about",
        help_text="Control: who holds the place. Casualties: who suffered the losses. Attack/advance: who acted.",
    )
    location = models.ForeignKey(
        "locations.Location", null=True, blank=True, on_delete=models.PROTECT, related_name="claims"
    )
    event_start = models.DateField(null=True, blank=True, db_index=True)
    event_end = models.DateField(null=True, blank=True, help_text="Empty: the same day as the start.")
    date_precision = models.CharField(max_length=12, choices=DatePrecision.choices, default=DatePrecision.DAY)
    count_min = models.PositiveIntegerField(null=True, blank=True)
    count_max = models.PositiveIntegerField(null=True, blank=True, help_text="Empty: open ended (“at least”).")
    count_unit = models.CharField(
        max_length=20,
        choices=CountUnit.choices,
        blank=True,
        help_text="What the count counts (killed, wounded, positions …); empty: not said.",
    )

    verdict = models.CharField(max_length=10, choices=Verdict.choices, blank=True)
    verdict_rationale = models.TextField(blank=True)
    verdict_on = models.DateField(null=True, blank=True)

    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.UNVERIFIED, editable=False
    )  # indexed by claim_status_claimed_idx
    contested = models.BooleanField(default=False, editable=False, db_index=True)
    corroborated = models.BooleanField(default=False, editable=False, db_index=True)
    unverified = models.BooleanField(default=True, editable=False, db_index=True)
    reasons = models.JSONField(default=list, blank=True, editable=False)
    grade = models.CharField(
        max_length=2,
        default="F3",
        editable=False,
        help_text="NATO/Admiralty grade: best source reliability (A–F), then credibility (1–6). Derived.",
    )

    external_id = models.CharField(
        max_length=100,
        null=True,
        blank=True,
        unique=True,
        help_text="Key in an imported dataset (ucdp:<id>:<part>, acled:<event_id_cnty>, …); re-imports update it.",
    )
    location_precision = models.CharField(
        max_length=40,
        blank=True,
        help_text="How precisely the place is known (e.g. UCDP where_prec, ACLED geo_precision).",
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-claimed_on", "-id"]
        indexes = [
            # One index per filter, and no more: every index is planned for each query and written by
            # each insert and flag change. Choice columns get plain btrees (``db_index=True`` would add a
            # ``varchar_pattern_ops`` twin for LIKE, which no filter uses); ``status`` and ``claimed_on``
            # are served by the two composite indexes that also give the lists their order.
            models.Index(fields=["status", "-claimed_on", "-id"], name="claim_status_claimed_idx"),
            models.Index(fields=["kind"], name="claim_kind_idx"),
            models.Index(fields=["verdict"], name="claim_verdict_idx"),
            models.Index(fields=["count_unit"], name="claim_count_unit_idx"),
            models.Index(fields=["grade"], name="claim_grade_idx"),
            models.Index(fields=["-claimed_on", "-id"], name="claim_claimed_id_idx"),
            # a place's claims of a kind, and the control timeline's window (event_start up to its end)
            models.Index(fields=["location", "kind", "event_start"], name="claim_location_kind_event_idx"),
            # claimant (subtree) + location (subtree) + claimed date, the analysts' everyday query
            models.Index(fields=["claimant", "location", "claimed_on"], name="claim_claimant_location_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(count_min__isnull=True) | Q(count_max__isnull=True) | Q(count_min__lte=F("count_max")),
                name="claim_count_min_lte_count_max",
                violation_error_message="count_min must not exceed count_max.",
            ),
            models.CheckConstraint(
                condition=Q(event_end__isnull=True) | Q(event_start__isnull=False, event_end__gte=F("event_start")),
                name="claim_event_end_gte_event_start",
                violation_error_message="event_end needs an event_start and must not be before it.",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.summary[:80]}"


class Citation(models.Model):
    """Where a claim was reported: a report, with the passage quoted from it (in its own language, and
    a translation beside it with who made it and when)."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="citations")
    report = models.ForeignKey("sources.Report", on_delete=models.PROTECT, related_name="citations")
    quote = models.TextField(blank=True, help_text="The passage quoted, verbatim, in its own language.")
    language = models.CharField(max_length=35, blank=True, help_text="The quote's language (BCP 47).")
    translation = models.TextField(blank=True, help_text="The quote translated; needs the original quote.")
    translation_language = models.CharField(
        max_length=35, blank=True, default="en", help_text="The translation's language (BCP 47; default en)."
    )
    translated_by = models.CharField(
        max_length=200, blank=True, help_text="Who translated it: a person's name, or machine:<engine>."
    )
    translated_at = models.DateTimeField(null=True, blank=True, help_text="When it was translated.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.claim_id} ← {self.report}"


class ClaimSearch(models.Model):
    """A claim's search vector, on PostgreSQL only (docs/search.md): its summary, quote and translation,
    citation quotes and translations, report titles, the names and aliases of its claimant, spokesperson
    and subject, and of its place and the places above it. Written by database triggers (``claims``
    migrations 0011 and 0015) on every write of those tables, whatever the path; never by Django.
    Empty elsewhere."""

    claim = models.OneToOneField(
        Claim, primary_key=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="search"
    )
    vector = SearchVectorField()

    class Meta:
        db_table = "claims_claimsearch"

    def __str__(self) -> str:
        return f"search vector of claim #{self.claim_id}"


class SearchWord(models.Model):
    """The words of the search vectors (PostgreSQL only), each once: a query word is expanded to
    the words spelled like it (pg_trgm similarity) before the vectors are matched. Added by the
    same triggers; never pruned (a word no claim has any more only widens a query to nothing)."""

    word = models.TextField(primary_key=True)

    class Meta:
        db_table = "claims_searchword"

    def __str__(self) -> str:
        return self.word


class Relation(models.Model):
    """One claim responding to another: denies, contradicts, supports, retracts or supersedes it."""

    class Stance(models.TextChoices):
        DENIES = "denies", "Denies"
        CONTRADICTS = "contradicts", "Contradicts"
        SUPPORTS = "supports", "Supports"
        RETRACTS = "retracts", "Retracts"
        SUPERSEDES = "supersedes", "Supersedes"

    class Origin(models.TextChoices):
        EDITOR = "editor", "Editor"
        AUTO = "auto", "Automatic"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="relations_made")
    target = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="relations_received")
    stance = models.CharField(max_length=12, choices=Stance.choices)
    origin = models.CharField(max_length=6, choices=Origin.choices, default=Origin.EDITOR, db_index=True)
    note = models.TextField(blank=True)
    # The dates the two claims were made, kept by the services: "relations crossing a date" (the
    # as-of filters) is then one scan of this table, not a join with every claim.
    claim_on = models.DateField(null=True, blank=True, editable=False)
    target_on = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    history = HistoricalRecords(excluded_fields=["updated_at", "claim_on", "target_on"])

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "target", "stance"],
                name="relation_claim_target_stance_unique",
                violation_error_message="This claim already has that relation to the target.",
            ),
            models.CheckConstraint(
                condition=~Q(claim=F("target")),
                name="relation_claim_not_target",
                violation_error_message="A claim cannot relate to itself.",
            ),
        ]
        indexes = [models.Index(fields=["target", "stance"], name="relation_target_stance_idx")]

    def __str__(self) -> str:
        return f"#{self.claim_id} {self.stance} #{self.target_id}"


class Conflict(models.Model):
    """A conflict analysts follow: the places it covers and the blocs that fight it, over a period.

    Membership is not stored: a claim belongs to the conflict when its location is one of
    ``places`` or below one (when it has no location: when its claimant's bloc is the bloc of one
    of ``parties``), and its event window (else its claim date) meets ``start``–``end``. The rule is
    ``claims.selectors.conflict_claims_q``, computed at query time, so imported and edited claims
    belong the moment they are written.
    """

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    start = models.DateField(help_text="The first day of the conflict.")
    end = models.DateField(null=True, blank=True, help_text="Empty: still going on.")
    places = models.ManyToManyField(
        "locations.Location",
        blank=True,
        related_name="conflicts",
        help_text="The places it covers, each with every place below it.",
    )
    parties = models.ManyToManyField(
        "actors.Actor",
        blank=True,
        related_name="conflicts",
        help_text="The parties that fight it; their whole blocs count (for claims without a place).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-start", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="conflict_end_gte_start",
                violation_error_message="end must not be before start.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Tombstone(models.Model):
    """A deleted claim, kept so tools mirroring Fogwatch by ``updated_since`` can delete it too."""

    claim_id = models.BigIntegerField(db_index=True)
    external_id = models.CharField(max_length=100, blank=True)
    deleted_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["deleted_at", "id"]

    def __str__(self) -> str:
        return f"claim #{self.claim_id} deleted {self.deleted_at:%Y-%m-%d %H:%M}"


class RecomputeJob(models.Model):
    """A recompute run in the background (a large bloc move, the consistency sweep), with its progress.

    A worker takes a job up by a conditional update (``runner``, a lease of its own) and records
    every ``FOGWATCH_JOB_HEARTBEAT_SECONDS`` that it is alive (``heartbeat_at``); a running job whose
    heartbeat is older than ``FOGWATCH_JOB_STALE_SECONDS`` lost its worker and is taken up again,
    from its recorded progress (``refreshed``/``touched``, then ``targets`` and ``done``). See
    docs/background.md, "A worker lost mid-job"."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    class Kind(models.TextChoices):
        RECOMPUTE = "recompute", "Recompute (bloc move)"
        SWEEP = "sweep", "Consistency sweep"

    reason = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.RECOMPUTE)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED, db_index=True)
    claim_ids = models.JSONField(default=list, blank=True, help_text="Claims to recompute (a sweep: all of them).")
    cause = models.JSONField(
        null=True, blank=True, help_text="The write that queued it (flag history): kind, object_id, text, on."
    )
    refreshed = models.PositiveIntegerField(
        default=0, help_text="How many of claim_ids have had their automatic relations refreshed."
    )
    touched = models.JSONField(
        default=list, blank=True, help_text="Claims at either end of an automatic relation the refresh changed."
    )
    targets = models.JSONField(
        null=True, blank=True, help_text="Every claim to recompute, once the refresh is done; done counts them."
    )
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    drifted = models.JSONField(default=list, blank=True, help_text="Claims whose stored flags had drifted.")
    error = models.TextField(blank=True)
    runner = models.CharField(
        max_length=200, blank=True, help_text="The worker running it (its name, its start, its lease)."
    )
    heartbeat_at = models.DateTimeField(null=True, blank=True, help_text="The runner last said it was alive.")
    runs = models.PositiveSmallIntegerField(
        default=0, help_text="Times a worker took it up: more than one, it was resumed after a lost worker."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.reason} ({self.state}, {self.done}/{self.total})"


class FlagChangeRecord(models.Model):
    """One change of a claim's derived state (status, flags, reasons or grade), written set-wise by the
    recompute that made it, with the write that caused it (``claims.causes``). ``old`` is null when
    the claim was just created; ``old``/``new`` hold ``status``, ``contested``, ``corroborated``,
    ``unverified``, ``grade`` and ``reasons``.

    ``at`` is when it was written; ``effective_on`` the day it took effect: the causing claim's
    ``claimed_on`` when a claim or relation caused it (so a loaded or imported history reads in the
    order the claims were made), the verdict's date for a verdict, else the day it was written."""

    class Cause(models.TextChoices):
        CLAIM_CREATED = "claim_created", "Claim created"
        CLAIM_UPDATED = "claim_updated", "Claim edited"
        CLAIM_DELETED = "claim_deleted", "Claim deleted"
        VERDICT = "verdict", "Verdict"
        RELATION_CREATED = "relation_created", "Relation added"
        RELATION_UPDATED = "relation_updated", "Relation changed"
        RELATION_DELETED = "relation_deleted", "Relation removed"
        BLOC_MOVE = "bloc_move", "Bloc move"
        ACTOR_RENAMED = "actor_renamed", "Actor renamed"
        SOURCE_GRADE = "source_grade", "Source regraded"
        MERGE = "merge", "Merge"
        IMPORT = "import", "Import"
        RECOMPUTE = "recompute", "Full recompute"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="flag_changes")
    at = models.DateTimeField()
    effective_on = models.DateField()
    old = models.JSONField(null=True, blank=True)
    new = models.JSONField()
    cause = models.CharField(max_length=20, choices=Cause.choices)
    cause_id = models.BigIntegerField(null=True, blank=True, help_text="The id of the object whose write caused it.")
    cause_text = models.CharField(max_length=500)

    class Meta:
        ordering = ["claim", "effective_on", "at", "id"]
        indexes = [models.Index(fields=["claim", "effective_on", "at"], name="flagchange_claim_idx")]

    def __str__(self) -> str:
        old = (self.old or {}).get("status", "—")
        return f"#{self.claim_id}: {old} → {self.new.get('status')} ({self.cause_text})"
