#!/usr/bin/python3
"""check_norm.py: src/norm.c against PyTorch's BatchNorm1d and LayerNorm.

Not part of the test suite (it needs python3-torch, about 1 GB: apt-get
install python3-torch python3-numpy).  Run from anywhere:

    tests/torch/check_norm.py

It compiles src/norm.c and src/vg.c into a temporary shared library, calls
norm_forward, norm_backward and norm_jvp through ctypes on random float64
data, and compares with torch in float64: the outputs, the running
statistics over several training steps, evaluation mode, the gradients of
sum(w * y) with respect to x, gamma and beta, and the Jacobian-vector
product.  It prints the largest absolute difference of each and exits 1 if
any exceeds 1e-12 (or if vgrad and torch disagree on refusing a batch of one
example), 0 otherwise.
"""
import ctypes
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch

TOL = 1e-12
ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
NORM_BATCH, NORM_LAYER = 1, 2
NORM_TRAINING, NORM_EVALUATION = 0, 1


class NormConfig(ctypes.Structure):
    _fields_ = [("kind", ctypes.c_int), ("eps", ctypes.c_double), ("momentum", ctypes.c_double)]


class VgError(ctypes.Structure):
    _fields_ = [("code", ctypes.c_int), ("msg", ctypes.c_char * 512)]


def build_library(tmp):
    lib = os.path.join(tmp, "libnorm.so")
    subprocess.run(["cc", "-std=c11", "-O2", "-shared", "-fPIC", "-D_POSIX_C_SOURCE=200809L",
                    "-I", os.path.join(ROOT, "src"), os.path.join(ROOT, "src", "norm.c"),
                    os.path.join(ROOT, "src", "vg.c"), "-lm", "-o", lib], check=True)
    so = ctypes.CDLL(lib)
    dp = ctypes.POINTER(ctypes.c_double)
    cfgp, errp = ctypes.POINTER(NormConfig), ctypes.POINTER(VgError)
    so.norm_scratch_doubles.restype = ctypes.c_size_t
    so.norm_scratch_doubles.argtypes = [ctypes.c_int] * 3
    so.norm_forward.argtypes = [cfgp, ctypes.c_int, ctypes.c_int, ctypes.c_int] + [dp] * 7 + [errp]
    so.norm_backward.argtypes = [cfgp, ctypes.c_int, ctypes.c_int, ctypes.c_int] + [dp] * 7 + [errp]
    so.norm_jvp.argtypes = [cfgp, ctypes.c_int, ctypes.c_int, ctypes.c_int] + [dp] * 5 + [errp]
    return so


def ptr(a):
    """A double* to a C-contiguous float64 array, or NULL for None."""
    if a is None:
        return None
    assert a.dtype == np.float64 and a.flags["C_CONTIGUOUS"]
    return a.ctypes.data_as(ctypes.POINTER(ctypes.c_double))


class Report:
    def __init__(self):
        self.worst = 0.0
        self.failed = False

    def diff(self, what, ours, theirs):
        d = float(np.max(np.abs(np.asarray(ours) - np.asarray(theirs))))
        self.worst = max(self.worst, d)
        flag = "" if d <= TOL else "  <-- exceeds %g" % TOL
        if d > TOL:
            self.failed = True
        print("  %-44s max |diff| %.3g%s" % (what, d, flag))


def run_c(so, kind, mode, x, gamma, beta, rm, rv, dy, v, eps, momentum):
    """Forward, backward (from zeroed gradients) and jvp in C."""
    B, C = x.shape
    cfg = NormConfig(kind, eps, momentum)
    err = VgError()
    scratch = np.zeros(so.norm_scratch_doubles(kind, B, C))
    y = np.zeros_like(x)
    rc = so.norm_forward(ctypes.byref(cfg), mode, B, C, ptr(x), ptr(gamma), ptr(beta), ptr(rm),
                         ptr(rv), ptr(y), ptr(scratch), ctypes.byref(err))
    if rc:
        return rc, err.msg.decode(), None
    dx, dgamma, dbeta = np.zeros_like(x), np.zeros(C), np.zeros(C)
    jv = np.zeros_like(x)
    # The jvp after the backward, on the same scratch: the backward must have
    # left the forward's statistics alone.
    assert so.norm_backward(ctypes.byref(cfg), mode, B, C, ptr(x), ptr(gamma), ptr(dy), ptr(dx),
                            ptr(dgamma), ptr(dbeta), ptr(scratch), ctypes.byref(err)) == 0
    assert so.norm_jvp(ctypes.byref(cfg), mode, B, C, ptr(x), ptr(gamma), ptr(v), ptr(jv),
                       ptr(scratch), ctypes.byref(err)) == 0
    return 0, "", (y, dx, dgamma, dbeta, jv)


def torch_side(module, x, dy, v):
    xt = torch.tensor(x, requires_grad=True)
    yt = module(xt)
    (yt * torch.tensor(dy)).sum().backward()
    # The jvp through autograd's double-backward trick (no running-statistics
    # update: the module is called again, so save and restore them).
    saved = {k: b.clone() for k, b in module.named_buffers()}
    _, jv = torch.autograd.functional.jvp(module, torch.tensor(x), torch.tensor(v))
    for k, b in module.named_buffers():
        b.copy_(saved[k])
    return (yt.detach().numpy(), xt.grad.numpy(), module.weight.grad.numpy().copy(),
            module.bias.grad.numpy().copy(), jv.detach().numpy())


def check_batch(so, rep, rng, B, C, eps, momentum, steps):
    print("batch: B=%d C=%d eps=%g momentum=%g, %d training steps then evaluation"
          % (B, C, eps, momentum, steps))
    bn = torch.nn.BatchNorm1d(C, eps=eps, momentum=momentum).double()
    gamma, beta = 1 + 0.5 * rng.standard_normal(C), rng.standard_normal(C)
    with torch.no_grad():
        bn.weight.copy_(torch.tensor(gamma))
        bn.bias.copy_(torch.tensor(beta))
    rm, rv = np.zeros(C), np.ones(C)  # PyTorch's initial running statistics
    for step in range(steps + 1):
        mode = NORM_TRAINING if step < steps else NORM_EVALUATION
        bn.train(mode == NORM_TRAINING)
        x = (1 + rng.random(C)) * rng.standard_normal((B, C)) + 3 * rng.standard_normal(C)
        dy, v = rng.standard_normal((B, C)), rng.standard_normal((B, C))
        bn.zero_grad()
        theirs = torch_side(bn, x, dy, v)
        rc, msg, ours = run_c(so, NORM_BATCH, mode, x, gamma, beta, rm, rv, dy, v, eps, momentum)
        assert rc == 0, msg
        label = "train %d" % step if mode == NORM_TRAINING else "eval"
        for name, a, b in zip(("y", "dx", "dgamma", "dbeta", "jvp"), ours, theirs):
            rep.diff("%s %s" % (label, name), a, b)
        rep.diff("%s running_mean" % label, rm, bn.running_mean.numpy())
        rep.diff("%s running_var" % label, rv, bn.running_var.numpy())


def check_layer(so, rep, rng, B, C, eps):
    print("layer: B=%d C=%d eps=%g" % (B, C, eps))
    ln = torch.nn.LayerNorm(C, eps=eps).double()
    gamma, beta = 1 + 0.5 * rng.standard_normal(C), rng.standard_normal(C)
    with torch.no_grad():
        ln.weight.copy_(torch.tensor(gamma))
        ln.bias.copy_(torch.tensor(beta))
    x = (1 + rng.random((B, 1))) * rng.standard_normal((B, C)) + 3 * rng.standard_normal((B, 1))
    dy, v = rng.standard_normal((B, C)), rng.standard_normal((B, C))
    theirs = torch_side(ln, x, dy, v)
    for mode, label in ((NORM_TRAINING, "train"), (NORM_EVALUATION, "eval")):
        rc, msg, ours = run_c(so, NORM_LAYER, mode, x, gamma, beta, None, None, dy, v, eps, 0.1)
        assert rc == 0, msg
        for name, a, b in zip(("y", "dx", "dgamma", "dbeta", "jvp"), ours, theirs):
            rep.diff("%s %s" % (label, name), a, b)


def check_one_example(so, rep):
    """Both refuse batch normalisation of one example in training mode."""
    x = np.array([[1.0, 2.0]])
    bn = torch.nn.BatchNorm1d(2).double()
    try:
        bn(torch.tensor(x))
        torch_refuses = False
    except ValueError as e:
        torch_refuses = True
        print("batch of one: torch: %s" % e)
    rc, msg, _ = run_c(so, NORM_BATCH, NORM_TRAINING, x, np.ones(2), np.zeros(2), np.zeros(2),
                       np.ones(2), x, x, 1e-5, 0.1)
    print("batch of one: vgrad: status %d: %s" % (rc, msg))
    if not (torch_refuses and rc == 2):
        rep.failed = True
        print("  <-- vgrad and torch disagree on refusing it")


def main():
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(12)
    rep = Report()
    with tempfile.TemporaryDirectory() as tmp:
        so = build_library(tmp)
        check_batch(so, rep, rng, 64, 32, 1e-5, 0.1, 4)
        check_batch(so, rep, rng, 2, 5, 1e-5, 0.1, 2)
        check_batch(so, rep, rng, 7, 3, 1e-3, 0.25, 3)
        check_layer(so, rep, rng, 16, 48, 1e-5)
        check_layer(so, rep, rng, 5, 2, 1e-3)
        check_one_example(so, rep)
    print("largest |diff| over all comparisons: %.3g (tolerance %g): %s"
          % (rep.worst, TOL, "FAIL" if rep.failed else "ok"))
    return 1 if rep.failed else 0


if __name__ == "__main__":
    sys.exit(main())
