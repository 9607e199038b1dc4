"""A small MLP classifier with the init code of a thousand tutorials, and its two classic bugs.

Run `initlint examples/` to see them; `initlint examples/ --fix` repairs the type checks, and
`--unsafe-fixes` also replaces the constant init with one matched to the ReLU activations.
"""

import torch
import torch.nn as nn


class MLPClassifier(nn.Module):
    def __init__(self, in_features: int = 784, hidden: int = 256, classes: int = 10) -> None:
        super().__init__()
        self.hidden = nn.Linear(in_features, hidden)
        self.act = nn.ReLU()
        self.out = nn.Linear(hidden, classes)

        def init_weights(m: nn.Module) -> None:
            # Exact type check: subclasses of nn.Linear are silently skipped.
            if type(m) == nn.Linear:
                nn.init.uniform_(m.weight, -0.1, 0.1)
                nn.init.constant_(m.bias, 0.1)

        self.apply(init_weights)

        # Constant init: every hidden unit starts identical and learns the same feature.
        nn.init.constant_(self.hidden.weight, 0.1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out(self.act(self.hidden(x)))
