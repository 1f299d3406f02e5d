"""Copy as Python: the kobai code that reproduces a view of the playground, number for number.

Every value placed in the code comes from validated settings and is written with ``repr``, so
the text is always a plain literal, never code that a visitor typed.
"""

from __future__ import annotations

from typing import Any

from kobai.web.network import DATA_OPTIONS, NetworkSettings
from kobai.web.race import RaceSettings
from kobai.web.surfaces import CUSTOM, NEURON


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return repr(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, tuple):
        return "(" + ", ".join(_literal(v) for v in value) + ")"
    return repr(value)


def _kwargs(values: dict[str, Any]) -> str:
    return ", ".join(f"{k}={_literal(v)}" for k, v in values.items())


def race_code(settings: RaceSettings) -> str:
    """Code that runs the same race with :func:`kobai.landscape.descend` and prints it."""
    surface = settings.surface
    lines = ['"""A race of optimizers from the kobai playground, reproduced."""', ""]
    if surface.name == NEURON:
        n = surface.neuron
        lines += [
            "from kobai import landscape",
            "from kobai.data import make_single_neuron",
            "from kobai.web.surfaces import neuron_function",
            "",
            "# Data made by one neuron t = f(w x + b) + noise, and its loss over (w, b).",
            f"x, t = make_single_neuron({n.samples}, "
            + _kwargs({"w": n.w, "b": n.b, "activation": n.activation, "noise": n.noise})
            + f", rng={n.seed})",
            f"function = neuron_function(x, t, {n.activation!r}"
            + (f", minima=[({n.w!r}, {n.b!r})])" if n.noise == 0 else ")"),
        ]
    else:
        target = surface.expr if surface.name == CUSTOM else surface.name
        lines += ["from kobai import landscape", "", f"function = {target!r}"]
    fn = surface.function()
    start = settings.start or tuple(float(v) for v in fn.start)
    lines += ["", "paths = landscape.descend(", "    function,", "    {"]
    for spec in settings.optimizers:
        lines.append(f"        {spec.label!r}: {{{_dict_body(spec.config())}}},")
    lines += [
        "    },",
        f"    start={_literal(tuple(float(v) for v in start))},",
        f"    steps={settings.steps},",
        ")",
        "for path in paths.values():",
        "    print(path.summary())",
    ]
    return "\n".join(lines) + "\n"


def _dict_body(values: dict[str, Any]) -> str:
    return ", ".join(f"{k!r}: {_literal(v)}" for k, v in values.items())


def network_code(settings: NetworkSettings, steps: int) -> str:
    """Code that trains the same network for ``steps`` updates and prints loss and accuracy."""
    s = settings
    opt = s.optimizer
    data_kwargs = {"noise": s.noise, **DATA_OPTIONS[s.data]}
    hyper = (", " + _kwargs(opt.hyper)) if opt.hyper else ""
    return f'''"""A tiny network from the kobai playground, trained again step for step."""

import numpy as np

import kobai as kb
from kobai import nn, optim
from kobai.data import DataLoader, make_{s.data}
from kobai.models import MLP

rng = np.random.default_rng({s.seed})
X, y = make_{s.data}({s.samples}, {_kwargs(data_kwargs)}, rng=rng)
model = MLP(2, {list(s.hidden)!r}, {int(y_classes(s))}, activation={s.activation!r}, rng=rng)
optimizer = optim.create({opt.name!r}, model.parameters(){hyper})
loss_fn = nn.CrossEntropyLoss()
loader = DataLoader(X, y, batch_size={s.batch}, rng=rng)

steps, losses = {steps}, []
while len(losses) < steps:  # one pass over the loader is one epoch, freshly shuffled
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(kb.Tensor(xb)), yb)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        if len(losses) == steps:
            break

accuracy = (kb.predict(model, X).argmax(axis=1) == y).mean()
loss_text = f"{{losses[-1]:.4f}}" if losses else "- (no step yet)"
print(f"step {{steps}}: loss {{loss_text}}, accuracy {{accuracy:.1%}}")
'''


def y_classes(settings: NetworkSettings) -> int:
    """Number of classes of the settings' data set."""
    if settings.data == "spiral":
        return int(DATA_OPTIONS["spiral"]["n_arms"])
    return 2
