"""The format-neutral core: the model, the build options, located problems, the user's cache."""
