"""The Voilà view of a module: ipywidgets in the learner's kernel (course notebooks import
them as `kurskit.exercises`)."""
