"""What a message says is happening: now, to someone else, only asked about, or denied.

A small ConText-style reader (Chapman et al.'s algorithm for clinical text, as in medspaCy) tuned to
how patients write rather than to clinical notes. It works on text already normalised for matching
(lower case, no apostrophes or accents):

- `as_first_person` reads another person's symptoms as the writer's ("my dad cant breathe" ->
  "i cant breathe", "his chest hurts" -> "my chest hurts"): someone writing about another person
  counts, so trigger phrases are written once, in the first person.
- `frame` tells a question *about* a risk ("can needling cause a stroke?", "what if i faint?") or a
  past event that settled ("i fainted once years ago") from a symptom happening now ("since my
  session", "still", "right now", "getting worse").
- `negated_before` says whether a phrase at a position is denied ("no fever", "not numb").

medspaCy's ConText needs a spaCy pipeline and target rules for every symptom; its modifier lists are
written for clinical notes ("history of", "rule out"). These few lists cover patients' phrasing and
cost microseconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from faq.text import normalise_for_matching

RELATIVES = (
    "dad|father|mum|mom|mother|mam|wife|husband|partner|son|daughter|boyfriend|girlfriend|brother|sister|"
    "friend|grandma|grandmother|grandpa|grandfather|nan|nana|gran|aunt|uncle|kid|child|baby|teenager|"
    "client|patient|fiance|fiancee|flatmate|roommate|neighbour|neighbor|colleague|coworker"
)
_SUBJECT_VERBS = {"is": "am", "was": "was", "has": "have", "hasnt": "havent", "isnt": "am not", "does": "do"}
_REPLACEMENTS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"\b(?:my|our) (?:\w+ )?(?:{RELATIVES})s\b"), "my"),  # "my dads chest" -> "my chest"
    (re.compile(rf"\b(?:my|our) (?:\w+ )?(?:{RELATIVES}) (is|was|has|hasnt|isnt|does)\b"), "i \\1"),
    (re.compile(rf"\b(?:my|our) (?:\w+ )?(?:{RELATIVES})\b"), "i"),
    (re.compile(r"\b(?:he|she|they) (is|was|has|hasnt|isnt|does)\b"), "i \\1"),
    (re.compile(r"\b(?:hes|shes|theyre)\b"), "im"),
    (re.compile(r"\b(?:he|she|they)\b"), "i"),
    (re.compile(r"\b(?:his|her|their)\b"), "my"),
    (re.compile(r"\b(?:him|them)\b"), "me"),
    (re.compile(r"\b(?:himself|herself|themselves)\b"), "myself"),
]
_I_VERB = re.compile(r"\bi (is|was|has|hasnt|isnt|does)\b")

HYPOTHETICAL = re.compile(
    r"\b(?:what if|what happens if|what would happen|what should i do if|what do i do if|what to do if|"
    r"if (?:i|he|she|they|my \w+) (?:get|gets|got|have|has|had|feel|feels|felt|start|starts|faint|faints|pass|passes|"
    r"think|suspect)|is (?:that|this) (?:a real thing|even possible)|"
    r"in case|if (?:someone|somebody|anyone|a patient|people) |red flags? (?:include|includes|are|like|such as)|"
    r"(?:a |weird |bad )?(?:dream|dreamt|dreamed|nightmare)|"
    r"(?:can|could|does|do|will|would|might|may) (?:dry needling|needling|the needles?|it|this|that|acupuncture|you|"
    r"a needle|needles) (?:cause|causes|make|give|lead|trigger|bring|result|hit|puncture|damage|affect|go)|"
    r"(?:is|are) (?:it|there|they) (?:possible|likely|common|a risk|any risk|a chance|safe)|"
    r"is it (?:dangerous|harmful) if|"
    r"(?:risks?|chances?|odds|likelihood) of|how (?:common|likely|rare) is|how likely (?:am i|are you|would i)|"
    r"am i likely to|just (?:thinking|the thought) (?:about|of) (?:it|needles|the needles|them)|just curious|"
    r"^say (?:i|he|she|they|my \w+|a needle)|(?:has|have) (?:that|this|it) ever (?:actually |really )?happened|"
    r"(?:does|do|would|can) (?:that|this|it) (?:ever |still |really )?happen|"
    r"something that (?:still |ever |really |actually )?(?:happens|happened|can happen)|"
    r"^(?:is|are) (?:a|an|it|there|heavy|bad|serious|much|any) (?:\w+ ){0,6}"
    r"(?:possible|a (?:real )?thing|a (?:real )?risk|common|likely|rare)$|"
    r"(?:know|ask|check|find out) (?:in advance|beforehand|ahead of time|before i come|before i book)|"
    r"(?:form|forms|questionnaire|intake|paperwork) (?:\w+ )?(?:asks?|asking|asked|wants? to know)|"
    r"(?:leaflet|page|article|website|booklet) (?:says|said|mentions|mentioned)|"
    r"how (?:do|would|will|can) (?:i|you) (?:even |ever )?(?:know|tell|spot|recognise|recognize)|"
    r"how (?:often|much|many times) (?:does|do|did|would|will) (?:that|this|it) happen|"
    r"(?:read|saw|seen|heard) (?:it )?(?:in|on) (?:the|your|a) (?:leaflet|page|article|website|booklet|faq|forum|"
    r"internet|google|online)|(?:havent|have not|not) (?:had|started) (?:my|the|a|any) (?:first )?"
    r"(?:session|needling|appointment|treatment) yet|"
    r"what are the (?:signs|symptoms|risks)|signs of|symptoms of|warning signs|"
    r"should i (?:worry|be worried|be concerned) (?:if|about)|worried (?:i might|that i might|i will|i ll|about)|"
    r"(?:nervous|scared|afraid|anxious|terrified|worried) (?:that )?(?:i ll|ill|i will|i might|i may|im going to|"
    r"i am going to|i would|id|ill end up) |"
    r"scared (?:i might|i will|of|that)|afraid (?:i might|i will|of|that)|ever (?:happened|happen|cause)|"
    r"has anyone|have you ever|do people|does anyone|can you get|can someone|does that happen|does this happen|"
    r"is it (?:common|possible|likely|usual) (?:to|for)|"
    r"(?:can|could|does|do|will|would) (?:dry needling|needling|needles|the needles|it|this|you|they) help|"
    r"if (?:the (?:needle|spot)|it|i (?:ever|do|did)|you|there is|there s|theres)|how long should i|"
    r"hypothetically|would you still (?:treat|needle|see|do)|"
    r"(?:would|could|can|will|do) you (?:be able to )?(?:tell|know|notice|see|check) (?:if|whether)|"
    r"if my \w+ (?:\w+ )?(?:came|comes|got|gets|was|were|started|starts|went|goes)|"
    r"(?:is|are) (?:dry needling|needling|it|this|that) (?:\w+ ){0,4}safe|"
    r"(?:could|can|might|would) i (?:have|get) (?:an?|any) (?:allergic |bad )?(?:reaction|allergy|infection)|"
    r"(?:could|can|might|would) i be|am i allergic|will i (?:cope|manage|be ok|be okay|be alright|faint|pass out)|"
    r"why (?:do|does|would|might) (?:my|i|it|you|the)|"
    r"(?:will|would|could|can|does|did) (?:that|this|it) (?:happen|be a problem|matter|be an issue)|"
    r"puede(?:n)? (?:causar|provocar)|peu(?:t|vent) (?:causer|provoquer)|verursach\w*|pode(?:m)? causar|"
    r"puo causare|moze (?:spowodowac|powodowac)|تسبب|يسبب|علامات|से डर|"
    r"^(?:\w+ )?(?:can|could|will|would|does|do|might|may) (?:\w+ ){0,5}"
    r"(?:cause|affect|make|lead to|trigger|damage|puncture))\b"
)
PAST = re.compile(
    r"\b(?:(?:years?|yrs?|months?|weeks?) ago|as a (?:kid|child|teenager|teen)|"
    r"last (?:year|month|summer|winter|spring|autumn|fall|christmas|easter|holidays?)|(?:in|back in) (?:19|20)\d\d|"
    r"in the (?:19|20)?\d0s|"
    r"back in (?:january|february|march|april|may|june|july|august|september|october|november|december|the spring|"
    r"the summer|the autumn|the fall|the winter)|"
    r"when i was (?:a|younger|little|young|pregnant|\d+)|in the past|used to|a while back|long time ago|"
    r"once before|years back|once when (?:i|he|she|they|we) (?:was|were|had|got)|"
    r"since (?:i was (?:born|a (?:kid|child|baby|teenager|teen))|birth|childhood|forever)|"
    r"(?:all|my whole|her whole|his whole) life|(?:been|was|always) like (?:that|this) (?:for years|forever)|"
    r"at the (?:gp|doctor|doctors|dentist|hospital) once|history of|had a stroke|had a collapsed|"
    r"runs in (?:my|the|our) family|managed by (?:my|the|an?) (?:\w+ ){0,2}(?:team|doctor|gp|specialist|consultant|"
    r"oncologist|neurologist|cardiologist|physio|nurse)|"
    r"(?:in|back in) (?:january|february|march|april|june|july|august|september|october|november|december)|"
    r"at (?:another|a different|a previous|my old|my last) (?:clinic|practice|physio|place|therapist)|"
    r"hace (?:muchos |unos )?anos|hace mucho|ha (?:muitos )?anos|il y a (?:des annees|longtemps)|vor jahren|anni fa|"
    r"много лет назад|давно|at uni|in college|in high school|back in (?:school|college|uni)|"
    r"(?:giving|gave|donating|donated) blood|"
    r"for (?:a few|a couple of|several|many|two|three|four|\d+) (?:weeks|months|years)|"  # long-standing, not new
    r"(?<!all at )once at (?:the|a) (?!session|appointment|clinic)|at (?:my|the) last|last time|"  # not "once at home"
    r"(?:tests?|injections?|jabs?|dentist|needles|vaccines?|blood) before|"
    r"(?<!session )(?<!needling )(?<!appointment )i (?:always |usually |often |sometimes )?get|i tend to get|"
    # habitual: "i get hives from my cat", though not "since my session i get out of breath"
    r"(?:probably|prob|likely|must be|just) (?:just )?(?:the|a|my) (?:cold|flu|virus|bug|allergies|hay fever)|"
    r"from (?:my|the|a) (?:cat|dog|pollen|detergent|soap|cold|flu|allergies)|"
    r"(?:cuz|because|cos|coz|since) i was (?:embarrassed|nervous|anxious|blushing|so hot|too hot|cold))\b"
)
RESOLVED = re.compile(
    r"\b(?:went away|gone away|cleared up|settled down|settled|resolved|got better|was fine after|fine as soon as|"
    r"stopped as soon as|(?:its|it is|is|was|im|i am|all|feel|feels|feeling) (?:gone|better|fine|ok|okay) now|"
    r"completely better|much better|finally (?:feels|feel) better|was just nerves|it was just|basically invisible|"
    r"(?:in a )?(?:good|better) place now|doing (?:well|good|great|fine|ok|okay|much better) now|"
    r"back to normal|fine now|gone now|(?:bleeding|it) (?:has )?stopped|but stopped|"
    r"then (?:totally |completely |perfectly |all |absolutely )?(?:fine|ok|okay|normal)|"
    r"(?:been|doing|feeling|felt|kept) (?:well|good|fine|great|ok|okay|stable) (?:for|since) "
    r"(?:years|ages|a long time|months|a while|many years|\d+ years)|"
    r"but (?:it|that|everything|all) (?:was|went) (?:fine|ok|okay|well)|"
    # a clinician's word that it is harmless: "midwife checked and says its normal", "dentist said thats normal"
    r"(?:doctor|doc|gp|midwife|nurse|physio|dentist|surgeon|pharmacist|consultant|er|a and e|urgent care)s? "
    r"(?:(?:has |have )?(?:checked|seen|looked at|examined)(?: it| me| them| him| her)?(?: and)? )?"
    r"(?:says?|said|told me|thinks?) (?:thats|that is|its|it is|this is|it s|theyre|they are|it was|all|"
    r"everything is|im|he is|shes|she is|hes) (?:normal|fine|ok|okay|expected|nothing|harmless)|"
    r"gone (?:today|this morning|the next day)|"
    r"(?:was|am|im|felt|feel) (?:totally|completely|absolutely|perfectly) (?:fine|ok|okay|normal)|"
    r"didnt last|only lasted|old scars|"
    r"(?:woke|came) (?:back )?up after (?:a|one|a few|a couple of) (?:seconds?|secs?|minutes?|mins?|moments?)|"
    r"(?:dizzy|lightheaded|light headed|woozy|numb|tingly|fuzzy|blurry|weak|wobbly) for (?:a few|a couple of|two|few) "
    r"(?:seconds|secs|moments)|(?:healed|faded) scars|(?:passed|went|gone) (?:straight|right) away|"
    r"(?:was|were|is|its) gone (?:after|in|within|by)|(?:it|that|which) passed|"
    r"(?:took|pulled|came|got) (?:it |them )?(?:all )?out (?:whole|fine|ok|okay|in one piece)|"
    r"(?:hay fever|allergies|my cold|a cold|the flu|pollen) (?:is|are|has|have) (?:making|made|given|causing))\b"
)
_ELIGIBILITY = re.compile(
    r"\b(?:can|could|should|may|would|will) (?:i|you|we) still\b|"
    r"\bstill (?:ok|okay|safe|allowed|on for|good for|able to (?:come|book|have))\b|"
    r"\b(?:fine|ok|okay|good|great|normal|better|nothing|none|no problems?|no issues?|no trouble) (?:ever )?since\b|"
    r"\b(?:never|not|hasnt) happened (?:again )?since\b|\b(?:never|not once|none|havent|hasnt|not) since\b|"
    r"\b(?:do|does|will) (?:i|you|we) still (?:need|have) to\b|"
    r"\bstill (?:happen|happens|a thing|common|a risk|allowed|done)\b|"
    r"\bsince (?:i was (?:born|a (?:kid|child|baby|teenager|teen))|birth|childhood|forever)\b|"
    r"\bsince (?:my |the )?(?:cancer|chemo|chemotherapy|radiotherapy|radiation)(?: treatment)?\b|"
    r"\bsince (?:my |the |a |an )?(?:\w+ ){0,3}(?:\d+|two|three|four|five|six|ten|several|many|a few) "
    r"(?:years|yrs) ago\b"
)
"""'still' that asks whether treatment can go ahead ("can i still come thursday", "would you still treat
me") or whether a risk is real ("is that something that still happens"), 'since' after being fine ("ive
been fine since", "nothing since") and 'since birth': not a symptom happening now."""
PRESENT = re.compile(
    r"\b(?:right now|still|since|today|tonight|this (?:morning|afternoon|evening)|yesterday|"
    r"getting worse|worse and worse|keeps getting|worsening|wont go away|isnt going away|not going away|"
    r"at the moment|currently|just now|all day|hours? later|minutes? ago|hours? ago|started|ever since|happening|"
    r"woke (?:up )?(?:at \d+(?:am|pm)?|in the night|during the night|tonight|today|this|with)|"
    r"(?:gone|got|become|became|turned) (?:really |so |very |much )?(?:severe|bad|worse|unbearable)|"
    r"(?:and|but) now (?!(?:im |i am |its |it is |i feel |feeling |all )?(?:fine|ok|okay|better|good|great|normal|"
    r"nervous|worried|scared|anxious|wondering|curious|a bit nervous|a bit worried))"
    r"(?:i|ive|im|my|its|theres|there|it|the))\b"
)
CONDITIONAL = re.compile(
    r"\b(?:what if|what happens if|what (?:do|should|would|can) i do if|what to do if|"
    r"is it (?:dangerous|harmful) if|hypothetically|is (?:that|this) (?:a real thing|even possible))\b"
)
"""A plain "what if" ("what do i do if i start bleeding at home"): however sure the classifier is that the
symptom needs a card, the message asks about one that has not happened."""
ONGOING = re.compile(r"\b(?:is|am|are|im|its|keeps?|kept) (?:still |really |just )?(?!going to|gonna)\w+ing\b")
"""A symptom told as going on ("what if my face is drooping", "it keeps bleeding"): enough to let an
emergency trigger fire in a message that otherwise reads as a question about a risk."""
NEGATIONS = frozenset("no not without never nor denies dont didnt havent hasnt isnt arent wasnt werent".split())
_DENIAL = re.compile(r"\b(?:no|not|without|never|nor|didnt|havent|hasnt|isnt|arent|wasnt|werent)\b")
_SYMPTOM_NEGATION = re.compile(
    r"\b(?:no|not|isnt|arent|wasnt|didnt|doesnt|havent|hasnt|wont|never) (?:going away|passing|stopping|stop|"
    r"helping|help|able|know|knowing|making sense|right|responding|improving|getting better|settling|easing|"
    r"quit|quitting|let up|letting up|slow down|slowing|die down|ease up|ease off|calm down|"
    r"there (?:this morning|before|yesterday|earlier|last night|at first)|"
    r"stopped|gone|eased|improved|settled|faded|cleared|changed|healed|better yet|"
    r"had (?:that|this|it|anything) (?:before|like)|felt (?:that|this|anything) (?:before|like)|"
    r"one|idea|matter|point|reason|better|sure|normal|waking|wake|sleeping|eating)\b"
)
"""Negations that describe a symptom ("its not going away", "lying down isnt helping", "not sleeping for
the sweats"), not deny one."""
_SYMPTOM_NEGATION_IN_FRAME = re.compile(
    r"\b(?:no|not|didnt|doesnt|hasnt|wont|never) (?:go away|wear off|worn off|sensation|"
    r"feeling (?:in|since|on|at|down|around|below|from))\b"
)
"""More negations that describe a symptom ("the tingling didnt go away", "no feeling since the session"),
for the message's framing only: the classifier's negation marking (`mark_negated`) keeps the narrower
list it was trained with."""
_NARRATIVE_NEGATION = re.compile(
    r"\b(?:no|not|dont|didnt|doesnt|havent|hasnt|wasnt|wont|never|without) (?:really )?"
    r"(?:want|wanna|wanted|mean|meant|think|thought|care|bother|mind|wish|expect|expected|realise|realize|"
    r"realised|realized|notice|noticed|tell|told|say|said|ask|asked|call|called|wait|waited|eat|eaten|ate|drink|"
    r"drank|plan|planned|make a fuss|fuss|panic|"
    r"overreact|exaggerate|worry|stress|like|believe|trust|remember|recall|noticing|realising|realizing|knowing|"
    r"meaning|warning|thinking|asking|a reason|any reason|a question|a big deal|an emergency|"
    r"(?:a )?(?:cold|flu|runny nose|sore throat|covid)(?: symptoms)?|"  # not "cough": it may deny a chest symptom
    r"(?:heavy|much|a lot|loads|pouring|gushing|huge|massive) but)\b"
)
"""Negations of what the writer thought, said or did ("didnt want to make a fuss", "didnt eat beforehand",
"wetting myself without noticing", "not really a question, just an update"): they tell the story around a
symptom and deny none, so they neither mark a message as a denial nor silence an urgent trigger after them."""
_EFFECTS = (
    r"(?:red|redness|pink|puffy|bruise|bruised|bruising|sore|soreness|achy|ache|aching|tender|stiff|tired|itch|itchy|itches|"
    r"itching|swollen|swelling|bump|lump|mark|marks|dot|dots|spot|spots|bleed|bled|bleeding|blood|dizzy|lightheaded|"
    r"queasy|nauseous|sick|headache|twitchy|warm|pain|discomfort)"
)
MILD = re.compile(
    rf"\b(?:(?:a (?:bit|little|tiny bit)|little|tiny|slight|slightly|minor|mild|small|faint)(?: \w+)? {_EFFECTS}|"
    rf"{_EFFECTS} (?:a (?:bit|little|tiny bit)|slightly)|"
    r"(?:a|one) (?:drop|dot|spot|speck|bead) of blood|a (?:few|couple of) drops|"
    r"(?:dizzy|lightheaded|light headed|woozy|a head rush|numb|tingly|fuzzy|blurry|weak|wobbly) for "
    r"(?:a|one|a few|a couple of|two|few) (?:seconds?|secs?|moments?|split second))\b"
)
"""Words of a mild after-effect ("a little red", "a small bruise", "itches a bit", "dizzy for a second")."""
NEGATION_WINDOW = 4
"""A negation word up to this many words before a phrase denies it ("no numbness or tingling")."""


def as_first_person(text: str) -> str:
    """Another person's symptoms written as the writer's own, for trigger matching."""
    for pattern, replacement in _REPLACEMENTS:
        text = pattern.sub(replacement, text)
    return _I_VERB.sub(lambda m: "i " + _SUBJECT_VERBS[m.group(1)], text)


@dataclass(frozen=True)
class Frame:
    """How a message frames its symptoms."""

    hypothetical: bool
    past: bool
    resolved: bool
    present: bool
    denies: bool
    mild: bool
    ongoing: bool
    conditional: bool = False

    @property
    def only_asked_about(self) -> bool:
        """A question about a risk, or a past or settled event, with nothing said to be happening now."""
        return (self.hypothetical or self.past or self.resolved) and not self.present

    @property
    def only_asked_or_long_ago(self) -> bool:
        """A question about a risk, or an event long ago: `only_asked_about` for events that need
        advice even once they are over ("i fainted after my session, im fine now")."""
        return (self.hypothetical or self.past) and not self.present

    @property
    def over_and_done(self) -> bool:
        """A past event said to be settled, with nothing happening now ("used to self harm, in a good place now")."""
        return self.past and self.resolved and not self.present

    @property
    def only_what_if(self) -> bool:
        """A "what if" about a symptom, with nothing said to be happening or going on now."""
        return self.conditional and not self.present and not self.ongoing

    def asks_only(self, counts_when_over: bool) -> bool:
        """`only_asked_or_long_ago` for an event that counts when over, else `only_asked_about`."""
        return self.only_asked_or_long_ago if counts_when_over else self.only_asked_about


_PROCEDURE = re.compile(
    r"\b(?:i )?(?:had|got|have had|ive had|did|went for) (?:an?|my|the|some|a few|\d+) (?:\w+ ){0,3}"
    r"(?:epidural|injection|shot|jab|surgery|operation|op|procedure|scan|mri|x ray|xray|session|appointment|appt|"
    r"treatment|needling|vaccine|vaccination|infusion|filling|tattoo|massage|physio|biopsy|lumbar puncture)s?\b|"
    r"\b(?:my|the) (?:last |first )?(?:epidural|injection|shot|surgery|operation|procedure|session|appointment|appt|"
    r"treatment|needling) (?:was|were)\b"
)
_CLAUSE_END = re.compile(r"[,.;:!?\n]+")
_IF_CLAUSE = re.compile(r"(?:hypothetically |so |and |but )?(?:if|what if|even if|suppose|say (?=i |my |a ))")
"""A clause that supposes ("hypothetically if my back pain got worse", "say i find a needle still in me"):
what it says is happening is not."""


def _aside(clause: str) -> bool:
    """Whether `clause` (normalised) only dates a procedure ("had an epidural steroid shot 2 weeks ago"):
    its past is the procedure's, not the symptoms' told in the message's other clauses."""
    rest = PAST.sub(" ", _PROCEDURE.sub(" ", clause, count=1), count=1)
    return rest != clause and sum(not w.isdigit() for w in rest.split()) < 4 and bool(_PROCEDURE.search(clause))


def frame(text: str, raw: str | None = None) -> Frame:
    """Read the cues of `text` (normalised for matching). With the message as typed (`raw`), a clause that
    only dates a procedure does not make the message's symptoms past ("severe back pain + fever, had an
    epidural 2 weeks ago")."""
    clauses = [normalise_for_matching(c) for c in _CLAUSE_END.split(raw)] if raw is not None else [text]
    return Frame(
        hypothetical=bool(HYPOTHETICAL.search(text)),
        past=any(PAST.search(c) and not (len(clauses) > 1 and _aside(c)) for c in clauses),
        resolved=bool(RESOLVED.search(text)),
        present=any(PRESENT.search(_ELIGIBILITY.sub(" ", c)) for c in clauses if not _IF_CLAUSE.match(c)),
        denies=bool(_DENIAL.search(_not_denials(text))),
        mild=bool(MILD.search(text)),
        ongoing=bool(ONGOING.search(text)),
        conditional=bool(CONDITIONAL.search(text)),
    )


_SPANISH_SYMPTOM_NEGATION = re.compile(
    r"\bno (?:me )?(?:para|paro|se detiene|se va|se quita|mejora|puedo|puede|siento|aguanto|respiro)\b"
)
"""Spanish "no" before a verb that describes a symptom ("no para aunque aprieto", "no puedo respirar"):
the English denial word is Spanish for "not", so these deny nothing."""


def _not_denials(text: str) -> str:
    """`text` with the negations that deny no symptom (describing one, or telling the story) blanked out."""
    for pattern in (_SYMPTOM_NEGATION, _SYMPTOM_NEGATION_IN_FRAME, _NARRATIVE_NEGATION, _SPANISH_SYMPTOM_NEGATION):
        text = pattern.sub(" ", text)
    return text


def negated_before(text: str, start: int, window: int = NEGATION_WINDOW) -> bool:
    """Whether a negation word stands within `window` words before character `start`."""
    before = _not_denials(text[:start]).split()[-window:]
    return any(word in NEGATIONS for word in before)


_SCOPE_ENDS = frozenset("but and though although however yet so because cuz coz except".split())


def mark_negated(words: list[str], window: int = NEGATION_WINDOW) -> list[str]:
    """`words` with those a negation denies prefixed "not_" ("no fever or chills" -> "no not_fever
    not_or not_chills"), the usual negation marking for bag-of-words models: "fever" and "no fever" are
    then different words. A scope ends after `window` words or at "but", "and", ...; negations that
    describe a symptom ("not going away") open none."""
    marked: list[str] = []
    left = 0
    for i, word in enumerate(words):
        if word in _SCOPE_ENDS:
            left = 0
        if left:
            marked.append(f"not_{word}")
            left -= 1
            continue
        marked.append(word)
        if word in NEGATIONS and not _SYMPTOM_NEGATION.match(" ".join(words[i : i + 4])):
            left = window
    return marked
