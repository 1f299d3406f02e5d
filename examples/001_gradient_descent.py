"""Source document 001: gradient descent and numerical differentiation on f(x) = x^2 / 2.

Point A is x = 2; with the learning rate eta = 0.1 each step x <- x - eta f'(x) gives
x = 1.80 (f = 1.62), then x = 1.62 (f = 1.31), ... towards the minimum at 0. The derivative
comes from backpropagation; forward, backward and central differences with h = 0.001 are
printed beside it.

Run: python examples/001_gradient_descent.py
"""

import kobai as kb


def f(x):  # type: ignore[no-untyped-def]
    return x**2 / 2


def descend(x0: float = 2.0, lr: float = 0.1, steps: int = 10) -> list[tuple[float, float]]:
    """(x, f(x)) after each gradient-descent step, the gradient taken by backpropagation."""
    x = kb.tensor(x0, dtype="float64", requires_grad=True)
    path = []
    for _ in range(steps):
        f(x).backward()
        x = kb.tensor(x.item() - lr * float(x.grad), dtype="float64", requires_grad=True)
        path.append((x.item(), f(x).item()))
    return path


def main() -> None:
    print("derivative of x^2/2 at x = 2 (exact: 2)")
    for method in ("forward", "backward", "central"):
        value = kb.numerical_grad(f, 2.0, h=1e-3, method=method)
        print(f"  {method:>8} difference, h = 0.001: {value:.10f}")
    print("\ngradient descent from x = 2 with eta = 0.1")
    for step, (x, fx) in enumerate(descend(), start=1):
        print(f"  step {step:2d}: x = {x:.6f}  f(x) = {fx:.6f}")


if __name__ == "__main__":
    main()
