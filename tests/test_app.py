"""The patient page through Streamlit's AppTest: real model, real FAISS index built into tmp_path.

Questions and the ids they reach come from the sample knowledge in tests/data/kb.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from apptest import ask, start
from drafts import make_draft
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block

from faq.embedding import Encoder
from faq.index import build_index
from faq.knowledge import load_knowledge
from faq.questionlog import QuestionLog, database_url
from faq.web import chat
from faq.web.replies import TRUNCATED_NOTE
from faq.web.serving import PATIENT_NOTICE

DISCLAIMER = "General information only, not medical advice. Talk to your provider. In an emergency call 911."
LOG_NOTICE = "Questions are stored without names or contact details to help us improve these answers."
NO_ANSWER = "Sorry, I don't have a vetted answer for that. Please call (555) 000-1111."


def block(app: AppTest, key: str) -> Block:
    """The container with this key."""
    found = app.get_by_key(key)
    assert isinstance(found, Block)
    return found


def texts(node: Block) -> list[str]:
    """The text of every Markdown-like element under a container, in order."""
    return [str(m.value) for m in node.markdown] + [str(c.value) for c in node.caption]


def has_staff_notice(app: AppTest) -> bool:
    """Whether the page says answers may be out of date (the neutral notice patients see; staff get the why)."""
    try:
        app.get_by_key("update-notice")
    except KeyError:
        return False
    return True


@pytest.fixture
def app(built: Path) -> AppTest:
    """The page on the sample knowledge, with its index built in tmp_path."""
    return start()


def test_welcome_has_examples_disclaimer_and_clinic_name(app: AppTest) -> None:
    assert "Test Spine Clinic" in app.title[0].value
    examples = [b for b in app.button if str(b.key).startswith("example-")]
    assert 4 <= len(examples) <= 6
    assert examples[0].label == "What is dry needling?"
    assert texts(block(app, "disclaimer")) == [f":material/info: {DISCLAIMER} {LOG_NOTICE}"]


def test_answer_shows_title_answer_review_sources_related_and_feedback(app: AppTest) -> None:
    ask(app, "will the needles be painful")
    answer = block(app, "answer-1")
    assert answer.subheader[0].value == "Does dry needling hurt?"
    assert answer.markdown[0].value == "Most people feel a brief cramp or ache when the needle reaches the muscle."
    assert "Last reviewed November 1, 2026 by Test Reviewer, PT" in texts(answer)
    assert answer.expander[0].label == "Sources (1)"
    assert [b.key for b in answer.button] == ["related-1-what-is-dry-needling"]
    assert app.feedback(key="feedback-1").value is None
    assert texts(block(app, "disclaimer")) == [f":material/info: {DISCLAIMER} {LOG_NOTICE}"]  # still there


def test_related_button_opens_that_entry(app: AppTest) -> None:
    ask(app, "does it hurt??")
    app.button(key="related-1-what-is-dry-needling").click().run()
    assert app.text[-1].value == "What is dry needling?"  # the patient's side shows the picked question
    assert block(app, "answer-2").subheader[0].value == "What is dry needling?"


def test_welcome_example_opens_that_entry(app: AppTest) -> None:
    app.button(key="example-cost-and-insurance").click().run()
    assert block(app, "answer-1").markdown[0].value == r"A session costs \$85 when insurance does not cover it."


def test_no_answer_is_kind_and_offers_topics_phone_and_booking(app: AppTest) -> None:
    ask(app, "whats the wifi password")
    reply = block(app, "noanswer-1")
    assert reply.markdown[0].value == NO_ANSWER
    assert len([b for b in reply.button if str(b.key).startswith("suggest-1-")]) == 3
    links = {b.proto.url for b in reply.get("link_button")}
    assert links == {"tel:5550001111", "https://test-clinic.example/book"}
    with pytest.raises(KeyError):
        app.get_by_key("answer-1")


def test_red_flag_care_card_comes_before_anything_else(app: AppTest) -> None:
    ask(app, "cant breathe since my session yesterday")
    reply = block(app, "reply-1")
    first = next(iter(reply.children.values()))
    assert isinstance(first, Block)
    assert first.key == "care-emergency-1"
    assert "**Call 911 now.** Then let Test Spine Clinic know at (555) 000-1111." in texts(first)
    assert [b.proto.url for b in first.get("link_button")] == ["tel:911"]


def test_urgent_level_has_its_own_card(app: AppTest) -> None:
    ask(app, "there is pus coming out where the needle went in")
    card = block(app, "care-urgent-1")
    assert "Call (555) 000-1111 today or see an urgent care clinic." in texts(card)


def test_close_scores_ask_did_you_mean_instead_of_guessing(app: AppTest) -> None:
    ask(app, "painful side effects")  # serious-risks 0.53 vs does-it-hurt 0.51 on the sample knowledge
    choices = block(app, "choices-1")
    assert {b.key for b in choices.button} == {"choice-1-serious-risks", "choice-1-does-it-hurt"}
    with pytest.raises(KeyError):
        app.get_by_key("answer-1")
    app.button(key="choice-1-does-it-hurt").click().run()
    assert block(app, "answer-2").subheader[0].value == "Does dry needling hurt?"


def test_browse_lists_every_entry_by_category(app: AppTest) -> None:
    app.button(key="browse-open").click().run()
    browse = block(app, "browse")
    headings = [m.value for m in browse.markdown if str(m.value).startswith("#### ")]
    assert headings == ["#### Basics", "#### Comfort", "#### Safety", "#### Practical"]
    assert len(browse.expander) == 5
    assert "What is electrical dry needling?" in [e.label for e in browse.expander]
    app.button(key="browse-close").click().run()
    assert app.get_by_key("welcome") is not None


def test_user_text_is_plain_text_and_long_text_is_cut_with_a_note(app: AppTest) -> None:
    sneaky = "<img src=x onerror=alert(1)> **bold** [link](javascript:alert(1)) does it hurt"
    ask(app, sneaky)
    assert app.text[0].value == sneaky
    assert all(sneaky not in str(m.value) for m in app.markdown)
    ask(app, "does it hurt " * 200)
    assert len(app.text[1].value) <= 1000
    assert TRUNCATED_NOTE in [c.value for c in app.caption]


def test_turns_stay_in_the_order_asked(app: AppTest) -> None:
    """The newest turn is drawn first (so it reaches the browser first), into its slot at the end."""
    for question in ["will the needles be painful", "how much is it", "what is dry needling"]:
        ask(app, question)
    users = [m for m in app.chat_message if m.name == "user"]
    assert [m.text[0].value for m in users] == ["will the needles be painful", "how much is it", "what is dry needling"]
    assert [m.name for m in app.chat_message] == ["assistant", *["user", "assistant"] * 3]
    replies = [m for m in app.chat_message if m.name == "assistant"][1:]  # after the welcome
    laid_out = [r.subheader[0].value for r in replies]
    assert laid_out == [block(app, f"answer-{n}").subheader[0].value for n in (1, 2, 3)]
    assert laid_out[0] == "Does dry needling hurt?" and len(set(laid_out)) == 3


def test_a_long_chat_draws_the_recent_turns_and_shows_earlier_ones_on_request(app: AppTest) -> None:
    """Past RECENT_TURNS turns, a rerun draws only the recent ones (so its cost stops growing with the
    conversation); a button brings back the earlier ones, still in the order asked."""
    questions = [f"{q} {n}" for n, q in enumerate(["does it hurt", "how much is it", "what should i wear"] * 4)]
    for question in questions:
        ask(app, question)
    asked = [m.text[0].value for m in app.chat_message if m.name == "user"]
    assert asked == questions[-chat.RECENT_TURNS :]
    (button,) = [b for b in app.button if b.key == "show-earlier"]
    assert button.label == "Show 2 earlier questions"
    button.click().run()
    assert [m.text[0].value for m in app.chat_message if m.name == "user"] == questions
    assert not [b for b in app.button if b.key == "show-earlier"]


def test_empty_input_is_ignored(app: AppTest) -> None:
    ask(app, "   \n\t ")
    assert app.session_state["turns"] == []
    assert len(app.chat_message) == 1  # only the welcome


def test_feedback_is_kept_in_the_session(app: AppTest) -> None:
    ask(app, "how much is it")
    app.feedback(key="feedback-1").set_value(0).run()
    (rating,) = app.session_state["feedback"].values()
    assert (rating.entry_id, rating.helpful) == ("cost-and-insurance", False)


def test_question_is_logged_redacted_and_the_rating_attached(app: AppTest, built: Path) -> None:
    ask(app, "I'm Sarah Jones, how much is it? (555) 123-4567")
    app.feedback(key="feedback-1").set_value(0).run()
    app.text_input(key="comment-1").input("wanted the price for kids, email me at mum@example.com").run()
    (row,) = QuestionLog(database_url(built)).rows()
    assert row.question == "I'm [NAME], how much is it? [PHONE]"
    assert (row.source, row.answer_ids[0], row.helpful) == ("app", "cost-and-insurance", False)
    assert row.comment == "wanted the price for kids, email me at [EMAIL]"


def test_logging_off_stores_nothing_and_drops_the_notice(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAQ_LOG", "off")
    app = ask(start(), "does it hurt")
    assert texts(block(app, "disclaimer")) == [f":material/info: {DISCLAIMER}"]
    assert not (built / "questions.sqlite3").exists()


def test_broken_log_still_answers_and_tells_staff(built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the log's folder should be")
    monkeypatch.setenv("FAQ_DATABASE_URL", f"sqlite:///{blocker / 'questions.sqlite3'}")
    app = ask(start(), "does it hurt")
    assert block(app, "answer-1").subheader[0].value == "Does dry needling hurt?"
    assert not has_staff_notice(app)  # answers are unaffected: the log problem is for staff only


def test_invalid_knowledge_keeps_serving_the_last_good_index(built: Path, knowledge: Path) -> None:
    (knowledge / "basics.yaml").write_text("- id: broken\n  question: [unclosed\n")
    app = start()
    ask(app, "does it hurt??")
    assert block(app, "answer-1").subheader[0].value == "Does dry needling hurt?"
    assert texts(block(app, "update-notice")) == [f":material/update: {PATIENT_NOTICE}"]
    assert not any("basics.yaml" in t for t in texts(app.main))  # where and why is for staff only


def test_stale_index_keeps_serving_and_says_why(built: Path, knowledge: Path) -> None:
    clinic = knowledge / "clinic.yaml"
    clinic.write_text(clinic.read_text().replace("Test Spine Clinic", "Renamed Clinic"))
    app = start()
    assert "Test Spine Clinic" in app.title[0].value  # still the knowledge the index was built from
    assert has_staff_notice(app)


def test_missing_index_is_built_on_first_start(
    knowledge: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = tmp_path / "fresh-index"
    monkeypatch.setenv("FAQ_KNOWLEDGE", str(knowledge))
    monkeypatch.setenv("FAQ_INDEX", str(index))
    app = ask(start(), "whats dry needling")
    assert (index / "CURRENT").exists()
    assert block(app, "answer-1").subheader[0].value == "What is dry needling?"
    assert not has_staff_notice(app)  # the new index matches the knowledge


def test_no_knowledge_and_no_index_shows_a_kind_page(tmp_path: Path) -> None:
    app = start()  # conftest points both folders at empty temp paths
    assert "not available right now" in app.info[0].value
    assert "call 911 now" in app.error[0].value


def test_knowledge_fixed_while_running_is_picked_up(built: Path, knowledge: Path) -> None:
    app = start()
    saved = knowledge / "basics.yaml"
    good = saved.read_text()
    saved.write_text("not: [valid")
    assert has_staff_notice(start())
    saved.write_text(good)
    assert not has_staff_notice(start())
    ask(app, "does it hurt??")  # the first session keeps working throughout
    assert block(app, "answer-1") is not None


def test_out_of_scope_question_gets_its_topics_reply_and_the_contact_buttons(
    knowledge: Path, tmp_path: Path, encoder: Encoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(Path(__file__).parent / "data" / "out_of_scope_sample.yaml", knowledge / "out_of_scope.yaml")
    build_index(load_knowledge(knowledge), tmp_path / "index", encoder)
    monkeypatch.setenv("FAQ_KNOWLEDGE", str(knowledge))
    monkeypatch.setenv("FAQ_INDEX", str(tmp_path / "index"))
    reply = block(ask(start(), "is it dangerous to take too much ibuprofen"), "noanswer-1")
    assert (
        reply.markdown[0].value
        == "I can't give advice about medicines. Your pharmacist can help, or call (555) 000-1111."
    )
    assert {b.proto.url for b in reply.get("link_button")} == {"tel:5550001111", "https://test-clinic.example/book"}


@pytest.fixture
def shipped_app(shipped_index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """The page on the shipped knowledge (its crisis card and other-language numbers), index copied to tmp_path."""
    index = tmp_path / "index"
    shutil.copytree(shipped_index, index)
    monkeypatch.setenv("FAQ_KNOWLEDGE", str(Path(__file__).parent.parent / "knowledge"))
    monkeypatch.setenv("FAQ_INDEX", str(index))
    monkeypatch.setenv("FAQ_LOG", "off")
    return start()


def test_crisis_card_is_warm_and_gives_the_crisis_line(shipped_app: AppTest) -> None:
    ask(shipped_app, "honestly with this pain i dont want to be here anymore")
    card = block(shipped_app, "care-crisis-1")
    shown = " ".join(texts(card))
    assert "You don't have to face it alone" in shown
    assert "988 Suicide & Crisis Lifeline (call or text 988)" in shown and "call 911" in shown
    assert [b.proto.url for b in card.get("link_button")] == ["tel:988", "sms:988", "tel:911"]


def test_other_language_reply_carries_the_emergency_numbers(shipped_app: AppTest) -> None:
    ask(shipped_app, "hola, necesito ayuda con mi seguro por favor")
    numbers = " ".join(texts(block(shipped_app, "numbers-1")))
    assert "Emergencia: llame al 911" in numbers and "988" in numbers


def draft_page(
    knowledge: Path, tmp_path: Path, encoder: Encoder, monkeypatch: pytest.MonkeyPatch, *, serve_drafts: bool
) -> AppTest:
    """The page on the sample knowledge with `does-it-hurt` a draft, built, and `serve_drafts` as given."""
    make_draft(knowledge, "does-it-hurt", serve_drafts=serve_drafts)
    build_index(load_knowledge(knowledge), tmp_path / "index", encoder)
    monkeypatch.setenv("FAQ_KNOWLEDGE", str(knowledge))
    monkeypatch.setenv("FAQ_INDEX", str(tmp_path / "index"))
    return start()


def test_a_served_draft_says_it_is_a_sample_and_claims_no_review(
    knowledge: Path, tmp_path: Path, encoder: Encoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = draft_page(knowledge, tmp_path, encoder, monkeypatch, serve_drafts=True)
    assert "checked by our clinicians" not in " ".join(texts(block(app, "masthead")))
    assert "Answers marked as samples have not been reviewed by our clinicians yet." in texts(block(app, "welcome"))[0]
    ask(app, "will the needles be painful")
    draft = block(app, "answer-1")
    assert draft.subheader[0].value == "Does dry needling hurt?"
    shown = texts(draft)
    assert ":orange-badge[:material/edit_note: Sample answer — not yet reviewed by the clinic's clinicians]" in shown
    assert not any("Last reviewed" in t for t in shown)
    app.button(key="related-1-what-is-dry-needling").click().run()
    assert "Last reviewed November 1, 2026 by Test Reviewer, PT" in texts(block(app, "answer-2"))


def test_with_serve_drafts_false_a_draft_is_never_shown(
    knowledge: Path, tmp_path: Path, encoder: Encoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = draft_page(knowledge, tmp_path, encoder, monkeypatch, serve_drafts=False)
    assert "checked by our clinicians" in " ".join(texts(block(app, "masthead")))  # every answer served is signed off
    assert "example-does-it-hurt" not in [b.key for b in app.button]
    ask(app, "will the needles be painful")
    assert block(app, "noanswer-1").markdown[0].value == NO_ANSWER
    assert "suggest-1-does-it-hurt" not in [b.key for b in block(app, "noanswer-1").button]
    ask(app, "what is dry needling")
    assert [b.key for b in block(app, "answer-2").button] == []  # its related `does-it-hurt` is not offered
    app.button(key="browse-open").click().run()
    assert "Does dry needling hurt?" not in [e.label for e in block(app, "browse").expander]
