"""One contract over every module and loss of kobai.nn.

Every module: constructible, repr works, float32 in -> float32 out with float32 gradients
(input and parameters), float64 after ``double()``, state_dict round trip reproduces the output,
bad constructor arguments raise at construction naming the value. Every loss: the same dtype
rules for each reduction.
"""

import numpy as np
import pytest

import kobai as kb
from kobai import nn

# name -> (factory taking rng, input shape)
MODULES = {
    "Linear": (lambda rng: nn.Linear(5, 3, rng=rng), (4, 5)),
    "Linear[no-bias]": (lambda rng: nn.Linear(5, 3, bias=False, rng=rng), (1, 5)),
    "BatchNorm1d[NC]": (lambda rng: nn.BatchNorm1d(4), (6, 4)),
    "BatchNorm1d[NCL]": (lambda rng: nn.BatchNorm1d(3), (4, 3, 5)),
    "BatchNorm2d": (lambda rng: nn.BatchNorm2d(3), (2, 3, 4, 4)),
    "Dropout": (lambda rng: nn.Dropout(0.3, rng=rng), (4, 7)),
    "Flatten": (lambda rng: nn.Flatten(), (2, 3, 4)),
    "Unflatten": (lambda rng: nn.Unflatten(1, (2, 3)), (4, 6)),
    "Identity": (lambda rng: nn.Identity(), (3, 2)),
    "Sigmoid": (lambda rng: nn.Sigmoid(), (3, 4)),
    "Tanh": (lambda rng: nn.Tanh(), (3, 4)),
    "ReLU": (lambda rng: nn.ReLU(), (3, 4)),
    "LeakyReLU": (lambda rng: nn.LeakyReLU(0.1), (3, 4)),
    "PReLU": (lambda rng: nn.PReLU(), (3, 4)),
    "PReLU[channels]": (lambda rng: nn.PReLU(3), (2, 3, 4)),
    "ELU": (lambda rng: nn.ELU(), (3, 4)),
    "GELU": (lambda rng: nn.GELU(), (3, 4)),
    "GELU[tanh]": (lambda rng: nn.GELU("tanh"), (3, 4)),
    "Softplus": (lambda rng: nn.Softplus(), (3, 4)),
    "LayerNorm": (lambda rng: nn.LayerNorm((3, 4)), (2, 3, 4)),
    "SiLU": (lambda rng: nn.SiLU(), (3, 4)),
    "Mish": (lambda rng: nn.Mish(), (3, 4)),
    "SELU": (lambda rng: nn.SELU(), (3, 4)),
    "Hardtanh": (lambda rng: nn.Hardtanh(-0.5, 0.5), (3, 4)),
    "ReLU6": (lambda rng: nn.ReLU6(), (3, 4)),
    "LogSigmoid": (lambda rng: nn.LogSigmoid(), (3, 4)),
    "Softsign": (lambda rng: nn.Softsign(), (3, 4)),
    "GroupNorm": (lambda rng: nn.GroupNorm(2, 4), (2, 4, 3)),
    "Softmax": (lambda rng: nn.Softmax(1), (3, 4)),
    "LogSoftmax": (lambda rng: nn.LogSoftmax(1), (3, 4)),
    "Conv2d": (lambda rng: nn.Conv2d(2, 3, 3, padding=1, rng=rng), (2, 2, 5, 5)),
    "ConvTranspose2d": (lambda rng: nn.ConvTranspose2d(2, 3, 2, stride=2, rng=rng), (2, 2, 3, 3)),
    "MaxPool2d": (lambda rng: nn.MaxPool2d(2), (2, 2, 4, 4)),
    "AvgPool2d": (lambda rng: nn.AvgPool2d(2), (2, 2, 4, 4)),
    "Sequential[MLP]": (
        lambda rng: nn.Sequential(
            nn.Linear(6, 5, rng=rng),
            nn.BatchNorm1d(5),
            nn.PReLU(),
            nn.Dropout(0.2, rng=rng),
            nn.Linear(5, 2, rng=rng),
        ),
        (8, 6),
    ),  # fmt: skip
}


def sample(shape, dtype, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype) + 0.05


@pytest.fixture(params=list(MODULES), ids=list(MODULES))
def spec(request):
    return MODULES[request.param]


def test_constructible_and_repr_names_the_class(spec):
    factory, _ = spec
    module = factory(0)
    assert isinstance(module, nn.Module)
    assert repr(module).startswith(type(module).__name__ + "(")


def test_float32_in_float32_out_and_float32_gradients(spec):
    factory, shape = spec
    module = factory(0)
    x = kb.Tensor(sample(shape, np.float32), requires_grad=True)
    y = module(x)
    assert y.dtype == np.float32
    (y * kb.tensor(sample(y.shape, np.float32, seed=1))).sum().backward()
    assert x.grad is not None and x.grad.dtype == np.float32
    for name, param in module.named_parameters():
        assert param.dtype == np.float32, name
        assert param.grad is not None and param.grad.dtype == np.float32, name
    for name, buffer in module.named_buffers():
        assert buffer.dtype in (np.float32, np.int64), name


def test_double_computes_in_float64(spec):
    factory, shape = spec
    module = factory(0).double()
    x = kb.Tensor(sample(shape, np.float64), requires_grad=True)
    y = module(x)
    assert y.dtype == np.float64
    y.sum().backward()
    assert x.grad.dtype == np.float64
    assert all(p.grad.dtype == np.float64 for p in module.parameters())


def test_state_dict_round_trip_reproduces_the_output(spec):
    factory, shape = spec
    source, target = factory(0), factory(1)
    source(sample(shape, np.float32, seed=2))  # running statistics move in training mode
    target.load_state_dict(source.state_dict())
    source.eval(), target.eval()
    x = sample(shape, np.float32, seed=3)
    np.testing.assert_array_equal(source(x).data, target(x).data)


def test_same_seed_same_module(spec):
    factory, shape = spec
    a, b = factory(4), factory(4)
    x = sample(shape, np.float32)
    np.testing.assert_array_equal(a(x).data, b(x).data)  # dropout masks included


BAD_ARGUMENTS = [
    (lambda: nn.Linear(-3, 2), ValueError, "in_features must be an integer >= 1, got -3"),
    (lambda: nn.Linear(3, 0), ValueError, "out_features must be an integer >= 1, got 0"),
    (lambda: nn.Linear(3.5, 2), TypeError, r"in_features must be an integer >= 1, got 3\.5"),
    (lambda: nn.Linear(3, 2, dtype=np.int32), TypeError, "floating dtype, got int32"),
    (lambda: nn.Linear(3, 2, rng="seed"), TypeError, "rng must be"),
    (lambda: nn.BatchNorm1d(0), ValueError, "num_features must be an integer >= 1, got 0"),
    (
        lambda: nn.BatchNorm2d(3, momentum=-0.1),
        ValueError,
        r"momentum must be a finite number in \[0, 1\], got -0\.1",
    ),
    (
        lambda: nn.BatchNorm2d(3, eps=-1e-5),
        ValueError,
        "eps must be a finite number > 0, got -1e-05",
    ),
    (lambda: nn.Dropout(1.0), ValueError, r"p must be a finite number in \[0, 1\), got 1\.0"),
    (lambda: nn.Dropout(-0.5), ValueError, r"p must be a finite number in \[0, 1\), got -0\.5"),
    (
        lambda: nn.Unflatten(1, (2, -3)),
        ValueError,
        "unflattened_size entry must be an integer >= 1, got -3",
    ),
    (lambda: nn.PReLU(-1), ValueError, "num_parameters must be an integer >= 1, got -1"),
    (lambda: nn.LayerNorm(0), ValueError, "normalized_shape must be an int or a non-empty"),
    (lambda: nn.LayerNorm(3, eps=0), ValueError, "eps must be a finite number > 0, got 0"),
    (lambda: nn.GroupNorm(3, 4), ValueError, "num_channels must be divisible by num_groups"),
    (lambda: nn.Embedding(4, 0), ValueError, "embedding_dim must be an integer >= 1, got 0"),
    (lambda: nn.Embedding(4, 2, padding_idx=4), ValueError, "padding_idx must be within"),
    (lambda: nn.ELU(float("nan")), ValueError, "alpha must be a finite number, got nan"),
    (lambda: nn.GELU("fast"), ValueError, "approximate must be one of 'none', 'tanh', got 'fast'"),
    (lambda: nn.Softplus(beta=-1), ValueError, "beta must be a finite number > 0, got -1"),
    (lambda: nn.MSELoss(reduction="avg"), ValueError, "'mean', 'sum', 'none', got 'avg'"),
    (lambda: nn.HuberLoss(delta=-1.0), ValueError, r"delta must be a finite number > 0, got -1\.0"),
    (
        lambda: nn.SmoothL1Loss(beta=-1.0),
        ValueError,
        r"beta must be a finite number >= 0, got -1\.0",
    ),
    (lambda: nn.KLDivLoss(reduction="avg"), ValueError, "'batchmean', 'sum', 'none', got 'avg'"),
    (lambda: nn.Hardtanh(1.0, -1.0), ValueError, "min_val cannot be greater than max_val"),
    (lambda: nn.CrossEntropyLoss(label_smoothing=-0.1), ValueError, "label_smoothing must be"),
    (lambda: nn.NLLLoss(ignore_index=1.5), TypeError, "ignore_index must be an int"),
]


@pytest.mark.parametrize("make, error, message", BAD_ARGUMENTS)
def test_bad_constructor_arguments_raise_at_construction(make, error, message):
    with pytest.raises(error, match=message):
        make()


# name -> (loss, input maker, target maker)
LOSSES = {
    "MSELoss": (nn.MSELoss, lambda s: sample(s, np.float32), lambda s: sample(s, np.float64, 1)),
    "SSELoss": (nn.SSELoss, lambda s: sample(s, np.float32), lambda s: sample(s, np.float64, 1)),
    "L1Loss": (nn.L1Loss, lambda s: sample(s, np.float32), lambda s: sample(s, np.float64, 1)),
    "HuberLoss": (nn.HuberLoss, lambda s: sample(s, np.float32), lambda s: sample(s, np.float64)),
    "CrossEntropyLoss[index]": (
        nn.CrossEntropyLoss, lambda s: sample(s, np.float32), lambda s: np.arange(s[0]) % s[1],
    ),
    "CrossEntropyLoss[probs]": (
        lambda **kw: nn.CrossEntropyLoss(label_smoothing=0.1, **kw),
        lambda s: sample(s, np.float32),
        lambda s: np.full(s, 1 / s[1]),
    ),
    "NLLLoss": (
        nn.NLLLoss, lambda s: -np.abs(sample(s, np.float32)), lambda s: np.zeros(s[0], int)
    ),
    "SmoothL1Loss": (
        lambda **kw: nn.SmoothL1Loss(beta=0.5, **kw),
        lambda s: sample(s, np.float32),
        lambda s: sample(s, np.float64, 1),
    ),
    "KLDivLoss": (
        lambda **kw: nn.KLDivLoss(log_target=True, **kw),
        lambda s: sample(s, np.float32),
        lambda s: sample(s, np.float64, 1),
    ),
    "BCELoss": (nn.BCELoss, lambda s: np.full(s, 0.3, np.float32), lambda s: np.ones(s)),
    "BCEWithLogitsLoss": (
        lambda **kw: nn.BCEWithLogitsLoss(pos_weight=np.array([2.0, 1.0, 0.5]), **kw),
        lambda s: sample(s, np.float32),
        lambda s: np.ones(s),
    ),
}  # fmt: skip


KL_MEAN = "ignore:reduction. 'mean' divides"  # PyTorch's warning, given at every call


@pytest.mark.filterwarnings(KL_MEAN)
@pytest.mark.parametrize("name", list(LOSSES))
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_loss_float32_in_float32_out_and_shapes(name, reduction):
    make, make_input, make_target = LOSSES[name]
    loss = make(reduction=reduction)
    assert repr(loss).startswith(type(loss).__name__ + "(")
    x = kb.Tensor(make_input((4, 3)), requires_grad=True)
    out = loss(x, make_target((4, 3)))  # float64 targets must not promote
    assert out.dtype == np.float32
    per_sample = name.startswith(("CrossEntropy", "NLL", "SSE"))
    assert out.shape == (() if reduction != "none" else (4,) if per_sample else (4, 3))
    out.sum().backward()
    assert x.grad.dtype == np.float32 and x.grad.shape == (4, 3)
    assert np.all(np.isfinite(x.grad))


@pytest.mark.filterwarnings(KL_MEAN)
@pytest.mark.parametrize("name", list(LOSSES))
def test_loss_is_a_module_without_parameters(name):
    loss = LOSSES[name][0]()
    assert isinstance(loss, nn.Module) and list(loss.parameters()) == []
    loss.double()  # buffers (class weights) follow, the loss still works
    x = LOSSES[name][1]((2, 3)).astype(np.float64)
    assert loss(x, LOSSES[name][2]((2, 3))).dtype == np.float64
