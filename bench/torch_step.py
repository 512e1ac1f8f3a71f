"""torch_step.py: PyTorch's side of vgrad-bench (bench/bench.c).

The same training step as vgrad's at each shape of the benchmark: a float64
MLP of `depth` hidden layers of `width` units (nn.Linear, PyTorch's layout),
the activation, a 10-way linear output and softmax cross-entropy on a full
batch of `batch` N(0,1) examples, backward, an SGD update; and, at every
logged step, every layer's weight- and bias-gradient norms read back to
Python (.item()), the work vgrad's layers.csv row stands for.  One thread
(torch.set_num_threads(1)), as vgrad-bench.

    /usr/bin/python3 bench/torch_step.py ACTIVATION SECONDS wall|cpu

prints a CSV: depth,width,batch,activation,network,log_every,
torch_seconds_per_step (the best of three measurements, each of about
SECONDS; cpu: the thread's CPU time, as vgrad-bench's cpu clock).
"""
import os
import sys
import time

# Debian's torch does its matrix products in OpenBLAS, whose own threads
# torch.set_num_threads does not govern: one thread is set before the import
# (the thread CPU clock would otherwise miss the BLAS threads' time).
os.environ["OPENBLAS_NUM_THREADS"] = "1"
import torch  # noqa: E402

SHAPES = [(16, 512, 256), (50, 256, 128), (16, 64, 64)]
LOG_EVERY = [1, 10]
ACTIVATIONS = {
    "relu": torch.nn.ReLU,
    "tanh": torch.nn.Tanh,
    "sigmoid": torch.nn.Sigmoid,
    "gelu": torch.nn.GELU,
}


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ACTIVATIONS or sys.argv[3] not in ("wall", "cpu"):
        sys.stderr.write("usage: torch_step.py %s SECONDS wall|cpu\n" % "|".join(ACTIVATIONS))
        return 2
    act, budget = sys.argv[1], float(sys.argv[2])
    clock = time.thread_time if sys.argv[3] == "cpu" else time.perf_counter
    torch.set_num_threads(1)
    torch.manual_seed(1)
    print("depth,width,batch,activation,network,log_every,torch_seconds_per_step")
    for depth, width, batch in SHAPES:
        layers, fan_in = [], width
        for _ in range(depth):
            layers += [torch.nn.Linear(fan_in, width), ACTIVATIONS[act]()]
            fan_in = width
        layers.append(torch.nn.Linear(fan_in, 10))
        net = torch.nn.Sequential(*layers).double()
        linears = [m for m in net if isinstance(m, torch.nn.Linear)]
        x = torch.randn(batch, width, dtype=torch.float64)
        y = torch.randint(0, 10, (batch,))
        opt = torch.optim.SGD(net.parameters(), lr=1e-6)
        loss_fn = torch.nn.CrossEntropyLoss()

        def run(steps, log_every):
            for step in range(steps):
                opt.zero_grad(set_to_none=True)
                loss = loss_fn(net(x), y)
                loss.backward()
                if step % log_every == 0:
                    norms = [(m.weight.grad.norm().item(), m.bias.grad.norm().item())
                             for m in linears]
                    loss.item()
                    assert len(norms) == depth + 1
                opt.step()

        t0 = clock()
        run(1, 1)
        steps = max(10, int(budget / (clock() - t0 + 1e-9)) // 10 * 10)
        for log_every in LOG_EVERY:
            best = float("inf")
            for _ in range(3):
                t0 = clock()
                run(steps, log_every)
                best = min(best, (clock() - t0) / steps)
            print("%d,%d,%d,%s,plain,%d,%.6g" % (depth, width, batch, act, log_every, best))
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
