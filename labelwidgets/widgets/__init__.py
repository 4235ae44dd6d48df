"""Notebook widgets (anywidget). The only layer that imports anywidget, ipywidgets or traitlets."""
