"""The theme: templates, stylesheets, fonts and labels, the project's files over the package's."""
