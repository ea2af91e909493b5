"""Authoring: question kinds, the notebook reader, the catalogue, the glossary, DigComp, the
linter. Reads content with `ast` and YAML; never imports nbgrader."""
