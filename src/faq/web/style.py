"""The page's CSS: calm colours come from .streamlit/config.toml; this adds the care-card levels and a
compact, phone-friendly layout. Static text only, never anything a patient typed."""

from __future__ import annotations

import streamlit as st

CSS = """
<style>
[data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"] { display: none; }
header[data-testid="stHeader"] { height: 0; min-height: 0; background: transparent; }
[data-testid="stMainBlockContainer"] { padding-top: 1.5rem; padding-bottom: 1rem; }

/* Keyboard focus (WCAG 2.4.7, 1.4.11): a solid ring at 5:1, not Streamlit's half-transparent one (about 2:1),
   and on the scrolling page itself. The question box and disclaimer stick to the bottom of the scrolling
   area, so a focused button must stop above them, not behind them (2.4.11); 12rem is their height when the
   disclaimer wraps to three lines on a phone. */
.stMain button:focus-visible, .stMain a:focus-visible, .stMain summary:focus-visible, .stMain:focus-visible {
  outline: 2px solid #2a6f73; outline-offset: 2px;
}
.stMain:focus-visible { outline-offset: -2px; }
.stMain { scroll-padding-bottom: 12rem; }

.st-key-masthead h1 { font-size: 1.45rem; line-height: 1.25; margin: 0; padding: 0; }
.st-key-masthead p { margin-bottom: 0; }

/* Care cards: red for emergency, amber for urgent, a calm violet for crisis support; a thick left edge
   reads well on small screens. */
[class*="st-key-care-emergency"], [class*="st-key-care-urgent"], [class*="st-key-care-crisis"] {
  border-radius: 0.75rem; padding: 0.9rem 1rem; gap: 0.4rem;
}
[class*="st-key-care-emergency"] {
  background: #fdeceb; border: 1px solid #efb5b0; border-left: 0.45rem solid #b3261e; color: #41100d;
}
[class*="st-key-care-urgent"] {
  background: #fff4df; border: 1px solid #f1cf8f; border-left: 0.45rem solid #b26a00; color: #3d2600;
}
[class*="st-key-care-crisis"] {
  background: #f3effa; border: 1px solid #cdbfe6; border-left: 0.45rem solid #5b3a94; color: #24173b;
}
[class*="st-key-care-crisis"] a[data-testid="stBaseLinkButton-primary"] {
  background: #5b3a94; border-color: #5b3a94;
}
[class*="st-key-care-emergency"] a[data-testid="stBaseLinkButton-primary"] {
  background: #b3261e; border-color: #b3261e;
}
[class*="st-key-care-urgent"] a[data-testid="stBaseLinkButton-primary"] {
  background: #8a5200; border-color: #8a5200;
}

/* Topic buttons read as a list of questions: left-aligned text. */
[class*="st-key-related-"] button, [class*="st-key-choice-"] button, [class*="st-key-suggest-"] button,
[class*="st-key-example-"] button { justify-content: flex-start; text-align: left; }
[class*="st-key-related-"] button > div, [class*="st-key-choice-"] button > div,
[class*="st-key-suggest-"] button > div, [class*="st-key-example-"] button > div {
  justify-content: flex-start; width: 100%;
}
[class*="st-key-related-"] button p, [class*="st-key-choice-"] button p, [class*="st-key-suggest-"] button p,
[class*="st-key-example-"] button p { text-align: left; }

/* The care card's role="alert" line: screen readers announce it as soon as the card appears; the card
   itself shows the same words, so it is hidden from sight only (not display:none, which would silence it). */
[class*="st-key-care-alert-"] {
  position: absolute; width: 1px !important; min-width: 0 !important; height: 1px; margin: -1px; padding: 0; border: 0;
  overflow: hidden; clip-path: inset(50%); white-space: nowrap;
}

[class*="st-key-care-"] h4 { font-size: 1.1rem; padding: 0.1rem 0 0.35rem; line-height: 1.3; }

.st-key-disclaimer p { font-size: 0.78rem; line-height: 1.3; margin: 0; }
.st-key-disclaimer { padding: 0 0.25rem 0.15rem; }
[data-testid="stChatMessage"] h3 { font-size: 1.15rem; padding-top: 0.1rem; }
</style>
"""


def apply_style() -> None:
    """Add the page's CSS (takes no space on the page)."""
    st.html(CSS)
