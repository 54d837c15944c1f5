"""The Streamlit app's pages and the small helpers they share; a thin layer over store/ and
scoring/."""
