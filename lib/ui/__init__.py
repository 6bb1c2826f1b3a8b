"""Streamlit helpers shared by pages. The only part of lib that imports streamlit."""
