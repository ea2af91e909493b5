"""Handbook (MkDocs-material) pages generated from the course catalogue."""
