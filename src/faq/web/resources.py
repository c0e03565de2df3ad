"""Heavy objects the pages share across sessions, created once per server process."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from faq import config
from faq.embedding import Encoder, load_encoder
from faq.questionlog import database_url
from faq.web.gate import SignInGate
from faq.web.logbook import AppLog
from faq.web.rebuild import Rebuilder
from faq.web.serving import ServingHolder


@st.cache_resource(show_spinner="Loading the assistant…", max_entries=3)  # each rebuild may tune a new model
def encoder(name: str) -> Encoder:
    """The model, warmed up. (Questions are encoded on one thread by `Retriever.answer` itself.)"""
    loaded = load_encoder(name)
    loaded.encode(["warm-up"])  # the first call is several times slower; pay it now, not on a question
    return loaded


@st.cache_resource(show_spinner=False)
def _holder(knowledge_dir: str, index_dir: str) -> ServingHolder:
    return ServingHolder(Path(knowledge_dir), Path(index_dir), encoder)


def holder() -> ServingHolder:
    """The serving retriever holder for the configured knowledge and index folders."""
    return _holder(str(config.knowledge_dir().resolve()), str(config.index_dir().resolve()))


@st.cache_resource(show_spinner=False)
def _app_log(index_dir: str) -> AppLog:
    return AppLog(Path(index_dir))


def app_log() -> AppLog:
    """The question log for the configured index folder."""
    return _app_log(str(config.index_dir().resolve()))


@st.cache_resource(show_spinner=False)
def _staff_gate(url: str) -> SignInGate:
    return SignInGate.open(url)


def staff_gate() -> SignInGate:
    """The staff sign-in gate; its per-device counts live in the question-log database, shared by replicas."""
    return _staff_gate(database_url(config.index_dir().resolve()))


@st.cache_resource(show_spinner=False)
def _rebuilder(knowledge_dir: str, index_dir: str) -> Rebuilder:
    return Rebuilder(Path(knowledge_dir), Path(index_dir), encoder)


def rebuilder() -> Rebuilder:
    """The background index rebuild for the configured folders."""
    return _rebuilder(str(config.knowledge_dir().resolve()), str(config.index_dir().resolve()))
