"""Streamlit entry point: `streamlit run app.py`. The page itself lives in faq.web.chat."""

from faq.web.chat import main

main()
