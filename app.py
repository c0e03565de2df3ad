"""Streamlit entry point: `streamlit run app.py`. The pages live in faq.web."""

from faq.web.pages import main

main()
