"""The graph walk: accumulation, reuse, depth, freeing, no_grad, and misuse."""

import gc

import numpy as np
import pytest

import kobai as kb
from kobai.autograd.engine import unbroadcast


def test_reused_node_accumulates() -> None:
    x = kb.tensor(3.0, requires_grad=True)
    (x * x + x).backward()
    assert x.grad == pytest.approx(7.0)  # d/dx (x^2 + x) = 2x + 1


def test_diamond_graph() -> None:
    x = kb.tensor(2.0, dtype="float64", requires_grad=True)
    a = x * 3
    b = a.exp()
    c = a * a
    (b + c).backward()
    # d/dx (e^{3x} + 9x^2) = 3 e^{3x} + 18 x
    assert x.grad == pytest.approx(3 * np.exp(6.0) + 36.0, rel=1e-12)


def test_chain_of_100000_ops_does_not_hit_the_recursion_limit() -> None:
    x = kb.tensor(1.0, dtype="float64", requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y + 1e-5
    y = y * 2
    y.backward()
    assert x.grad == pytest.approx(2.0)
    assert y.item() == pytest.approx(2 * (1 + 100_000 * 1e-5))
    del y
    gc.collect()


def test_deep_graph_kept_alive_is_freed_without_crash() -> None:
    x = kb.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    del y
    gc.collect()


def test_gradients_accumulate_over_backward_calls() -> None:
    w = kb.tensor([1.0, -2.0], requires_grad=True)
    (w * 3).sum().backward()
    (w * w).sum().backward()
    np.testing.assert_allclose(w.grad, [3 + 2, 3 - 4])


def test_leaves_own_their_gradients() -> None:
    a = kb.tensor([1.0, 2.0], requires_grad=True)
    b = kb.tensor([3.0, 4.0], requires_grad=True)
    (a + b).backward(np.array([1.0, 1.0]))
    a.grad *= 10  # in-place work on one gradient (clipping, accumulation) ...
    np.testing.assert_array_equal(b.grad, [1.0, 1.0])  # ... never reaches the other
    a.grad = None
    upstream = np.array([5.0, 6.0], dtype=np.float32)
    (a * 1).backward(upstream)
    upstream[:] = 0
    np.testing.assert_array_equal(a.grad, [5.0, 6.0])


def test_retain_graph_allows_a_second_backward() -> None:
    x = kb.tensor(2.0, requires_grad=True)
    y = x * x
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad == pytest.approx(8.0)


def test_backward_twice_on_a_freed_graph_says_so() -> None:
    x = kb.tensor(2.0, requires_grad=True)
    y = x * x
    y.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()


def test_shared_subgraph_freed_by_first_backward() -> None:
    x = kb.tensor(2.0, requires_grad=True)
    h = x.exp()
    a, b = h * 2, h * 3
    a.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        b.backward()


def test_non_scalar_backward_needs_a_grad() -> None:
    x = kb.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"non-scalar tensor of shape \(2,\) needs a grad"):
        (x * 2).backward()


def test_wrong_grad_shape_names_both_shapes() -> None:
    x = kb.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ValueError, match=r"shape \(2,\), got shape \(3,\)"):
        (x * 2).backward(np.ones(3))


def test_backward_without_graph_is_explained() -> None:
    with pytest.raises(RuntimeError, match="does not require grad"):
        kb.tensor([1.0]).sum().backward()


def test_bad_gradient_shape_from_an_op_is_caught() -> None:
    class Broken(kb.Function):
        def forward(self, a: np.ndarray) -> np.ndarray:
            return a.sum(keepdims=True)

        def backward(self, grad: np.ndarray) -> tuple[np.ndarray]:
            return (np.ones(5),)

    x = kb.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"Broken.backward returned a gradient of shape \(5,\)"):
        Broken()(x).backward(np.ones(1))


def test_no_grad_builds_no_graph_and_restores_the_mode() -> None:
    w = kb.tensor([1.0], requires_grad=True)
    with kb.no_grad():
        y = w * 2
        assert not kb.is_grad_enabled()
        with kb.enable_grad():
            z = w * 2
    assert kb.is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None
    assert z.requires_grad

    @kb.no_grad()
    def double(t: kb.Tensor) -> kb.Tensor:
        return t * 2

    assert not double(w).requires_grad


def test_detach_cuts_the_graph_and_shares_data() -> None:
    w = kb.tensor([1.0, 2.0], requires_grad=True)
    d = (w * 2).detach()
    assert not d.requires_grad and d.is_leaf
    y = w * d
    y.sum().backward()
    np.testing.assert_array_equal(w.grad, [2.0, 4.0])


def test_retain_grad_keeps_an_intermediate_gradient() -> None:
    x = kb.tensor([1.0, 2.0], requires_grad=True)
    h = x * 3
    h.retain_grad()
    (h * h).sum().backward()
    np.testing.assert_allclose(h.grad, [6.0, 12.0])
    np.testing.assert_allclose(x.grad, [18.0, 36.0])


def test_gradient_order_is_deterministic() -> None:
    def grads() -> np.ndarray:
        x = kb.tensor(np.linspace(-1, 1, 7), requires_grad=True)
        y = ((x * 1.1).tanh() * x + (x * 0.3).sigmoid() * x.exp()).sum()
        y.backward()
        return x.grad

    np.testing.assert_array_equal(grads(), grads())


@pytest.mark.parametrize(
    ("grad_shape", "shape", "expected"),
    [
        ((2, 3), (2, 3), np.ones((2, 3))),
        ((2, 3), (3,), np.full(3, 2.0)),
        ((2, 3), (1, 3), np.full((1, 3), 2.0)),
        ((4, 2, 3), (2, 1), np.full((2, 1), 12.0)),
        ((2, 3), (), np.array(6.0)),
    ],
)
def test_unbroadcast(grad_shape: tuple, shape: tuple, expected: np.ndarray) -> None:
    out = unbroadcast(np.ones(grad_shape), shape)
    assert out.shape == shape
    np.testing.assert_array_equal(out, expected)


def test_numpy_interop_and_reflected_operators() -> None:
    x = kb.tensor([1.0, 2.0], requires_grad=True)
    assert isinstance(np.ones(2) + x, kb.Tensor)
    assert isinstance(np.ones((2, 2)) @ x, kb.Tensor)
    np.testing.assert_array_equal(np.asarray(x), [1.0, 2.0])
    y = 1 - x + 2 * x / 4 - (3 / x) + 2**x
    y.sum().backward()
    expected = -1 + 0.5 + 3 / np.array([1.0, 4.0]) + np.log(2) * 2 ** np.array([1.0, 2.0])
    np.testing.assert_allclose(x.grad, expected, rtol=1e-6)


def test_tensor_basics() -> None:
    x = kb.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    assert x.shape == (2, 2) and x.ndim == 2 and x.numel() == 4 and len(x) == 2
    assert x.sum().item() == 10.0
    assert float(x[1, 1]) == 4.0
    assert x.T.tolist() == [[1.0, 3.0], [2.0, 4.0]]
    assert repr(kb.tensor([1.0, 2.0])) == "tensor([1., 2.])"
    assert "requires_grad=True" in repr(x)
    assert "grad_fn=<Mul>" in repr(x * 2)
    assert bool((x > 2).data.sum() == 2)
    with pytest.raises(ValueError, match="item\\(\\) needs a tensor with one element"):
        x.item()


def test_no_grad_is_per_thread() -> None:
    import threading

    w = kb.tensor([1.0], requires_grad=True)
    inside, other = threading.Event(), {}

    def worker() -> None:
        inside.wait()
        other["requires_grad"] = (w * 2).requires_grad  # another thread's no_grad is not ours

    thread = threading.Thread(target=worker)
    thread.start()
    with kb.no_grad():
        inside.set()
        thread.join()
        assert not (w * 2).requires_grad
    assert other["requires_grad"] is True
