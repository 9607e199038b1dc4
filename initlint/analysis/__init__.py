"""Python and PyTorch semantics shared by the rules: imports, init functions, layers, activations."""
