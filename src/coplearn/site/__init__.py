"""The browser edition: a static JupyterLite site built from this repository (``coplearn site build``)."""
