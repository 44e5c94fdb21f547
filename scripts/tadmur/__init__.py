"""Tadmur: build a cross-linked conflict explainer site from news articles.

Pipeline (each stage a plain function over plain data, see README "How it works"):
seeds -> ingest -> extract -> knowledge base -> render Markdown -> MkDocs -> site.
"""

__version__ = "0.1.0"
