"""Models, one file per family. Import from the submodule, e.g.
``from dlfp.models.mlp import MLP``, so that each page names where its model lives."""
