"""The Streamlit pages. Retrieval happens only through `faq.retrieval`."""
