"""``fused`` on CUDA: Triton kernels that do forward, backward and Adam of the MLP.

Three variants of the same arithmetic (``MLPBENCH_FUSED_VARIANT`` chooses; default ``graph``):

- ``graph``: two launches per step. ``_grads`` splits the batch's rows over up to 2 programs per SM;
  each program runs forward and backward of its row blocks with the weights held on chip and
  writes its partial gradients; ``_adam`` sums the partials and applies Adam to the flat parameter
  vector (program 0 also records the step's loss). The whole run, 2 x steps launches, is captured
  in one CUDA graph during ``compile()`` and replayed as one launch.
- ``grid``: one launch for the whole training, on one program per row block (at most one per SM, so
  all of them are resident at once). Each step does ``_grads``'s work, waits at a barrier across the
  whole grid, applies Adam to its own slice of the parameters (summing every program's partial in
  one load and a tree, not in ``_adam``'s order), and waits at a second barrier before the next step reads the new
  weights. No launch between steps and every SM the batch can use; the barriers are atomic
  counters in global memory, polled a bounded number of times: a grid whose programs are not all
  resident ends with an error instead of hanging.
- ``persistent``: one launch for the whole training. A single program loops over steps; each step
  accumulates the gradients of every row block in registers, applies Adam tile by tile, and waits
  at a barrier before the next step reads the new weights. No launch at all between steps, but
  only one SM does the arithmetic.

Shapes: two hidden layers; every feature dimension is padded with zeros to a power of two of at
least 16 (``tl.dot``'s smallest tile). Supported: d_in <= 64, hidden widths <= 128, d_out <= 16;
larger shapes are refused with that range. Precision: fp32 uses IEEE fp32 dot products
(``input_precision="ieee"``), tf32 the tensor cores. Adam mirrors torch.optim.Adam with the bias
corrections computed on the host in float64, as torch's default Adam does.

With TRITON_INTERPRET=1 the same kernels run on the CPU through Triton's interpreter, which is how
the test suite checks their arithmetic on machines without a GPU (the interpreter runs a grid's
programs one after another, so ``grid`` runs there on one program; with more its barrier gives up,
which the tests use to check that it ends). The test suite also compiles every kernel for sm_90 with
Triton's own ``ptxas``, which needs no GPU.
"""

from __future__ import annotations

import importlib.util
import math
import os

import torch

from mlpbench.workload.backends import Trainer, report_losses
from mlpbench.errors import BackendUnavailable
from mlpbench.workload.problem import LogCallback, Problem

LIMITS = {"d_in": 64, "hidden": 128, "d_out": 16}
ADAM_BLOCK = 1024
VARIANTS = ("graph", "grid", "persistent")
BARRIER_POLLS = 1 << 22  # how often a program of the grid variant polls a barrier before it gives up: seconds


def unavailable_reason(kind: str) -> str | None:
    if importlib.util.find_spec("triton") is None:
        return "triton is not installed (pip install 'mlpbench[triton]')"
    return None


def shape_reason(d_in: int, hidden: tuple[int, ...], d_out: int) -> str | None:
    if len(hidden) != 2:
        return "the Triton kernels are written for two hidden layers"
    if d_in > LIMITS["d_in"] or max(hidden) > LIMITS["hidden"] or d_out > LIMITS["d_out"]:
        return (f"the Triton fused kernels hold every weight on chip and support d_in <= {LIMITS['d_in']}, hidden "
                f"widths <= {LIMITS['hidden']} and d_out <= {LIMITS['d_out']}; got {d_in}→"
                f"{'→'.join(map(str, hidden))}→{d_out}")
    return None


def padded(n: int) -> int:
    return max(16, 1 << (n - 1).bit_length())


# ----- the kernels -----------------------------------------------------------------------------------
import triton  # noqa: E402
import triton.language as tl  # noqa: E402


@triton.jit
def _zero_grads(DIN: tl.constexpr, H1: tl.constexpr, H2: tl.constexpr, DOUT: tl.constexpr):
    """Zeroed gradient accumulators in the padded shapes, and a zero scalar loss."""
    return (tl.zeros((DIN, H1), tl.float32), tl.zeros((H1,), tl.float32), tl.zeros((H1, H2), tl.float32),
            tl.zeros((H2,), tl.float32), tl.zeros((H2, DOUT), tl.float32), tl.zeros((DOUT,), tl.float32),
            tl.sum(tl.zeros((16,), tl.float32), axis=0))


@triton.jit
def _layout(DIN: tl.constexpr, H1: tl.constexpr, H2: tl.constexpr, DOUT: tl.constexpr):
    """Where each padded tensor lies in the flat layout W1 b1 W2 b2 W3 b3 (weights input-major): the
    offsets of its elements, in its own shape. The one home of the layout ``_pack`` writes."""
    i_in, i_h1, i_h2, i_out = tl.arange(0, DIN), tl.arange(0, H1), tl.arange(0, H2), tl.arange(0, DOUT)
    o_b1 = DIN * H1
    o_w2 = o_b1 + H1
    o_b2 = o_w2 + H1 * H2
    o_w3 = o_b2 + H2
    o_b3 = o_w3 + H2 * DOUT
    return (i_in[:, None] * H1 + i_h1[None, :], o_b1 + i_h1, o_w2 + i_h1[:, None] * H2 + i_h2[None, :], o_b2 + i_h2,
            o_w3 + i_h2[:, None] * DOUT + i_out[None, :], o_b3 + i_out)


@triton.jit
def _load_weights(P, DIN: tl.constexpr, H1: tl.constexpr, H2: tl.constexpr, DOUT: tl.constexpr, VOLATILE: tl.constexpr):
    """The padded weights, in the flat layout W1 b1 W2 b2 W3 b3 (weights input-major)."""
    at_w1, at_b1, at_w2, at_b2, at_w3, at_b3 = _layout(DIN, H1, H2, DOUT)
    w1 = tl.load(P + at_w1, volatile=VOLATILE)
    b1 = tl.load(P + at_b1, volatile=VOLATILE)
    w2 = tl.load(P + at_w2, volatile=VOLATILE)
    b2 = tl.load(P + at_b2, volatile=VOLATILE)
    w3 = tl.load(P + at_w3, volatile=VOLATILE)
    b3 = tl.load(P + at_b3, volatile=VOLATILE)
    return w1, b1, w2, b2, w3, b3


@triton.jit
def _block_grads(X, Y, row0, rows_left, d_in, d_out, scale, w1, b1, w2, b2, w3, b3,
                 g_w1, g_b1, g_w2, g_b2, g_w3, g_b3, loss,
                 DIN: tl.constexpr, DOUT: tl.constexpr, BM: tl.constexpr, PRECISION: tl.constexpr):
    """Forward and backward of BM rows starting at row0; adds their gradients and squared error."""
    r = tl.arange(0, BM)
    live = r < rows_left
    i_in, i_out = tl.arange(0, DIN), tl.arange(0, DOUT)
    x = tl.load(X + (row0 + r)[:, None] * d_in + i_in[None, :], mask=live[:, None] & (i_in[None, :] < d_in), other=0.0)
    y_mask = live[:, None] & (i_out[None, :] < d_out)
    y = tl.load(Y + (row0 + r)[:, None] * d_out + i_out[None, :], mask=y_mask, other=0.0)
    h1 = tl.maximum(tl.dot(x, w1, input_precision=PRECISION) + b1[None, :], 0.0)
    h2 = tl.maximum(tl.dot(h1, w2, input_precision=PRECISION) + b2[None, :], 0.0)
    out = tl.dot(h2, w3, input_precision=PRECISION) + b3[None, :]
    diff = tl.where(y_mask, out - y, 0.0)
    loss += tl.sum(tl.sum(diff * diff, axis=1), axis=0)
    d_out_ = diff * scale
    g_w3 += tl.dot(tl.trans(h2), d_out_, input_precision=PRECISION)
    g_b3 += tl.sum(d_out_, axis=0)
    d_h2 = tl.where(h2 > 0, tl.dot(d_out_, tl.trans(w3), input_precision=PRECISION), 0.0)
    g_w2 += tl.dot(tl.trans(h1), d_h2, input_precision=PRECISION)
    g_b2 += tl.sum(d_h2, axis=0)
    d_h1 = tl.where(h1 > 0, tl.dot(d_h2, tl.trans(w2), input_precision=PRECISION), 0.0)
    g_w1 += tl.dot(tl.trans(x), d_h1, input_precision=PRECISION)
    g_b1 += tl.sum(d_h1, axis=0)
    return g_w1, g_b1, g_w2, g_b2, g_w3, g_b3, loss


@triton.jit
def _partial_grads(X, Y, PARTIALS, PARTIAL_LOSS, batch_start, batch, d_in, d_out, scale, w1, b1, w2, b2, w3, b3,
                   PLEN: tl.constexpr, DIN: tl.constexpr, H1: tl.constexpr, H2: tl.constexpr, DOUT: tl.constexpr,
                   BM: tl.constexpr, PRECISION: tl.constexpr):
    """This program's share of the batch (row blocks pid, pid + programs, ...), forward and backward with the
    weights given: its partial gradients stored at its place in PARTIALS, its squared error in PARTIAL_LOSS."""
    pid = tl.program_id(0)
    programs = tl.num_programs(0)
    g_w1, g_b1, g_w2, g_b2, g_w3, g_b3, loss = _zero_grads(DIN, H1, H2, DOUT)
    blocks = tl.cdiv(batch, BM)
    for blk in range(pid, blocks, programs):
        g_w1, g_b1, g_w2, g_b2, g_w3, g_b3, loss = _block_grads(
            X, Y, batch_start + blk * BM, batch - blk * BM, d_in, d_out, scale, w1, b1, w2, b2, w3, b3,
            g_w1, g_b1, g_w2, g_b2, g_w3, g_b3, loss, DIN, DOUT, BM, PRECISION)
    base = PARTIALS + pid * PLEN
    at_w1, at_b1, at_w2, at_b2, at_w3, at_b3 = _layout(DIN, H1, H2, DOUT)
    tl.store(base + at_w1, g_w1)
    tl.store(base + at_b1, g_b1)
    tl.store(base + at_w2, g_w2)
    tl.store(base + at_b2, g_b2)
    tl.store(base + at_w3, g_w3)
    tl.store(base + at_b3, g_b3)
    tl.store(PARTIAL_LOSS + pid, loss)


@triton.jit(do_not_specialize=["batch_start", "batch"])
def _grads(X, Y, P, PARTIALS, PARTIAL_LOSS, batch_start, batch, d_in, d_out, scale,
           PLEN: tl.constexpr, DIN: tl.constexpr, H1: tl.constexpr, H2: tl.constexpr, DOUT: tl.constexpr,
           BM: tl.constexpr, PRECISION: tl.constexpr):
    w1, b1, w2, b2, w3, b3 = _load_weights(P, DIN, H1, H2, DOUT, False)
    _partial_grads(X, Y, PARTIALS, PARTIAL_LOSS, batch_start, batch, d_in, d_out, scale, w1, b1, w2, b2, w3, b3,
                   PLEN, DIN, H1, H2, DOUT, BM, PRECISION)


@triton.jit
def _adam_update(p, m, v, g, step_size, bc2_sqrt, one_minus_beta1, beta2, one_minus_beta2, eps):
    """torch.optim.Adam: m.lerp_(g, 1-b1); v = b2*v + (1-b2)*g*g; denom = sqrt(v)/sqrt(bc2) + eps;
    p.addcdiv_(m, denom, -step_size). Division and square root are the IEEE-rounded forms, as torch's
    (Triton's ``/`` and ``tl.sqrt`` are approximate)."""
    m = m + one_minus_beta1 * (g - m)
    v = beta2 * v + one_minus_beta2 * g * g
    denom = tl.div_rn(tl.sqrt_rn(v), bc2_sqrt) + eps
    p = p - step_size * tl.div_rn(m, denom)
    return p, m, v


@triton.jit(do_not_specialize=["step", "parts"])
def _adam(P, M, V, PARTIALS, PARTIAL_LOSS, LOSSES, step, parts, step_size, bc2_sqrt, one_minus_beta1, beta2,
          one_minus_beta2, eps, loss_scale, PLEN: tl.constexpr, BLOCK: tl.constexpr):
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    live = offs < PLEN
    g = tl.load(PARTIALS + offs, mask=live, other=0.0)
    for q in range(1, parts):
        g += tl.load(PARTIALS + q * PLEN + offs, mask=live, other=0.0)
    p = tl.load(P + offs, mask=live, other=0.0)
    m = tl.load(M + offs, mask=live, other=0.0)
    v = tl.load(V + offs, mask=live, other=0.0)
    p, m, v = _adam_update(p, m, v, g, step_size, bc2_sqrt, one_minus_beta1, beta2, one_minus_beta2, eps)
    tl.store(P + offs, p, mask=live)
    tl.store(M + offs, m, mask=live)
    tl.store(V + offs, v, mask=live)
    if pid == 0:
        total = tl.load(PARTIAL_LOSS)
        for q in range(1, parts):
            total += tl.load(PARTIAL_LOSS + q)
        tl.store(LOSSES + step, total * loss_scale)


@triton.jit
def _grid_barrier(SYNC, FAILED, target, polls):
    """Wait until every program of the launch has arrived: each adds one to SYNC once its stores are
    issued (release) and polls until SYNC reaches ``target`` (acquire), at most ``polls`` times; a
    barrier that gives up sets FAILED. Returns whether it was reached. Needs every program resident."""
    tl.debug_barrier()  # every thread of this program has issued its stores
    seen = tl.atomic_add(SYNC, 1, sem="acq_rel", scope="gpu") + 1
    tries = 0
    while (seen < target) & (tries < polls):
        seen = tl.atomic_add(SYNC, 0, sem="acquire", scope="gpu")
        tries += 1
    if seen < target:
        tl.atomic_xchg(FAILED, 1)
    tl.debug_barrier()  # no thread reads what others wrote before the barrier is passed
    return seen >= target


@triton.jit(do_not_specialize=["steps", "step0", "batch", "nbatches", "polls"])
def _grid(X, Y, P, M, V, PARTIALS, PARTIAL_LOSS, LOSSES, STEP_SIZE, BC2_SQRT, SYNC, FAILED, steps, step0, batch,
          nbatches, d_in, d_out, scale, loss_scale, one_minus_beta1, beta2, one_minus_beta2, eps, polls,
          PLEN: tl.constexpr, DIN: tl.constexpr, H1: tl.constexpr, H2: tl.constexpr, DOUT: tl.constexpr,
          BM: tl.constexpr, SLICE: tl.constexpr, PARTS: tl.constexpr, PRECISION: tl.constexpr):
    """The whole training in one launch across the grid: per step ``_grads``'s work, a barrier, Adam on
    this program's slice of the parameters (SLICE of them; PARTS, a power of 2, bounds the programs),
    a barrier. Reads of what other programs wrote are volatile (past this SM's L1)."""
    pid = tl.program_id(0)
    programs = tl.num_programs(0)
    mine = pid * SLICE + tl.arange(0, SLICE)
    live = mine < PLEN
    parts = tl.arange(0, PARTS)
    from_part = parts < programs
    passed = pid >= 0
    for s in range(0, steps):
        w1, b1, w2, b2, w3, b3 = _load_weights(P, DIN, H1, H2, DOUT, True)
        _partial_grads(X, Y, PARTIALS, PARTIAL_LOSS, ((step0 + s) % nbatches) * batch, batch, d_in, d_out, scale,
                       w1, b1, w2, b2, w3, b3, PLEN, DIN, H1, H2, DOUT, BM, PRECISION)
        passed = _grid_barrier(SYNC, FAILED, (2 * s + 1) * programs, tl.where(passed, polls, 0)) & passed
        # every program's partial of this slice in one load (a loop of loads would wait on each in turn)
        g = tl.sum(tl.load(PARTIALS + parts[:, None] * PLEN + mine[None, :], mask=from_part[:, None] & live[None, :],
                           other=0.0, volatile=True), axis=0)
        p = tl.load(P + mine, mask=live, other=0.0, volatile=True)
        m = tl.load(M + mine, mask=live, other=0.0)
        v = tl.load(V + mine, mask=live, other=0.0)
        p, m, v = _adam_update(p, m, v, g, tl.load(STEP_SIZE + s), tl.load(BC2_SQRT + s), one_minus_beta1, beta2,
                               one_minus_beta2, eps)
        tl.store(P + mine, p, mask=live)
        tl.store(M + mine, m, mask=live)
        tl.store(V + mine, v, mask=live)
        if pid == 0:
            total = tl.sum(tl.load(PARTIAL_LOSS + parts, mask=from_part, other=0.0, volatile=True), axis=0)
            tl.store(LOSSES + s, total * loss_scale)
        passed = _grid_barrier(SYNC, FAILED, (2 * s + 2) * programs, tl.where(passed, polls, 0)) & passed


@triton.jit
def _adam_tile(P, M, V, offsets, g, step_size, bc2_sqrt, one_minus_beta1, beta2, one_minus_beta2, eps):
    p = tl.load(P + offsets, volatile=True)
    m = tl.load(M + offsets, volatile=True)
    v = tl.load(V + offsets, volatile=True)
    p, m, v = _adam_update(p, m, v, g, step_size, bc2_sqrt, one_minus_beta1, beta2, one_minus_beta2, eps)
    tl.store(P + offsets, p)
    tl.store(M + offsets, m)
    tl.store(V + offsets, v)


@triton.jit(do_not_specialize=["steps", "step0", "batch", "nbatches"])
def _persistent(X, Y, P, M, V, LOSSES, STEP_SIZE, BC2_SQRT, steps, step0, batch, nbatches, d_in, d_out, scale,
                one_minus_beta1, beta2, one_minus_beta2, eps,
                DIN: tl.constexpr, H1: tl.constexpr, H2: tl.constexpr, DOUT: tl.constexpr, BM: tl.constexpr,
                PRECISION: tl.constexpr):
    """The whole training in one program: every step's forward, backward and Adam, no launches between."""
    at_w1, at_b1, at_w2, at_b2, at_w3, at_b3 = _layout(DIN, H1, H2, DOUT)
    blocks = tl.cdiv(batch, BM)
    for s in range(0, steps):
        w1, b1, w2, b2, w3, b3 = _load_weights(P, DIN, H1, H2, DOUT, True)
        g_w1, g_b1, g_w2, g_b2, g_w3, g_b3, loss = _zero_grads(DIN, H1, H2, DOUT)
        batch_start = ((step0 + s) % nbatches) * batch
        for blk in range(0, blocks):
            g_w1, g_b1, g_w2, g_b2, g_w3, g_b3, loss = _block_grads(
                X, Y, batch_start + blk * BM, batch - blk * BM, d_in, d_out, scale, w1, b1, w2, b2, w3, b3,
                g_w1, g_b1, g_w2, g_b2, g_w3, g_b3, loss, DIN, DOUT, BM, PRECISION)
        tl.store(LOSSES + s, loss * scale * 0.5)
        step_size = tl.load(STEP_SIZE + s)
        bc2_sqrt = tl.load(BC2_SQRT + s)
        tl.debug_barrier()  # every thread has read this step's weights before any is overwritten
        # arguments written out: a starred call inside a jit function needs a newer Triton than GPU hosts may have
        _adam_tile(P, M, V, at_w1, g_w1, step_size, bc2_sqrt, one_minus_beta1, beta2, one_minus_beta2, eps)
        _adam_tile(P, M, V, at_b1, g_b1, step_size, bc2_sqrt, one_minus_beta1, beta2, one_minus_beta2, eps)
        _adam_tile(P, M, V, at_w2, g_w2, step_size, bc2_sqrt, one_minus_beta1, beta2, one_minus_beta2, eps)
        _adam_tile(P, M, V, at_b2, g_b2, step_size, bc2_sqrt, one_minus_beta1, beta2, one_minus_beta2, eps)
        _adam_tile(P, M, V, at_w3, g_w3, step_size, bc2_sqrt, one_minus_beta1, beta2, one_minus_beta2, eps)
        _adam_tile(P, M, V, at_b3, g_b3, step_size, bc2_sqrt, one_minus_beta1, beta2, one_minus_beta2, eps)
        tl.debug_barrier()  # the new weights are written before the next step reads them


# ----- the trainer -----------------------------------------------------------------------------------
class TritonFusedTrainer(Trainer):
    compiles = True

    def __init__(self, problem: Problem, device: str, variant: str | None = None) -> None:
        super().__init__(problem, device)
        config = problem.config
        reason = shape_reason(config.d_in, config.hidden, config.d_out)
        if reason:
            raise BackendUnavailable(reason)
        if not problem.workload.is_mlp:
            raise BackendUnavailable("the Triton fused kernels are written for the built-in MLP only")
        if config.precision not in ("fp32", "tf32"):
            raise BackendUnavailable(f"the Triton fused kernels compute in fp32 or tf32, not {config.precision}")
        self.variant = variant or os.environ.get("MLPBENCH_FUSED_VARIANT", "graph")
        if self.variant not in VARIANTS:
            raise BackendUnavailable(f"MLPBENCH_FUSED_VARIANT must be one of {', '.join(VARIANTS)}, not {self.variant!r}")
        self.dims = (padded(config.d_in), padded(config.hidden[0]), padded(config.hidden[1]), padded(config.d_out))
        DIN, H1, H2, DOUT = self.dims
        self.plen = DIN * H1 + H1 + H1 * H2 + H2 + H2 * DOUT + DOUT
        self.precision = "ieee" if config.precision == "fp32" else "tf32"
        self.x = problem.data.x_train.contiguous()
        self.y = problem.data.y_train.contiguous()
        self.batch = config.batch_rows
        self.nbatches = config.n_train // self.batch
        # Tuning knobs (rows per block, warps per program): measured on an H100, see benchmarks/fused_variants.py
        self.bm = int(os.environ.get("MLPBENCH_FUSED_BM", 16 if self.batch <= 4096 else 64))
        blocks = -(-self.batch // self.bm)
        sms = torch.cuda.get_device_properties(device).multi_processor_count if device.startswith("cuda") else 4
        if self.variant == "grid":  # every program resident at once: one per SM at most, and one in the interpreter
            self.programs = int(os.environ.get("MLPBENCH_FUSED_PROGRAMS", min(blocks, sms) if device.startswith("cuda") else 1))
        elif self.variant == "persistent":  # one program does it all (describe() said 25 of an H200 run)
            self.programs = 1
        else:
            self.programs = min(blocks, 2 * sms)
        self.programs = max(1, self.programs)
        self.slice = max(16, 1 << (-(-self.plen // self.programs) - 1).bit_length())  # the grid's share of Adam, a power of 2
        self.warps = int(os.environ.get("MLPBENCH_FUSED_WARPS", 8))
        zeros = lambda n: torch.zeros(n, dtype=torch.float32, device=device)  # noqa: E731
        self.params, self.exp_avg, self.exp_avg_sq = zeros(self.plen), zeros(self.plen), zeros(self.plen)
        self.partials, self.partial_loss = zeros(self.programs * self.plen), zeros(self.programs)
        self.losses = zeros(config.steps)
        self.sync = torch.zeros(1, dtype=torch.int32, device=device)  # the grid variant's barrier count
        self.failed = torch.zeros(1, dtype=torch.int32, device=device)  # set by a grid barrier that gave up
        self.polls = BARRIER_POLLS
        self.initial = self._pack(problem.initial_params)
        self.graphs: dict[int, torch.cuda.CUDAGraph] = {}  # the captured runs, one per step count
        self.tables: dict[tuple[int, int], torch.Tensor] = {}  # the one-launch variants' bias corrections
        self.done = 0
        self.reset()

    def _pack(self, params: list[torch.Tensor]) -> torch.Tensor:
        DIN, H1, H2, DOUT = self.dims
        flat = torch.zeros(self.plen, dtype=torch.float32, device=self.device)
        offset = 0
        for (rows, cols), (w, b) in zip(((DIN, H1), (H1, H2), (H2, DOUT)), zip(params[0::2], params[1::2])):
            block = flat[offset:offset + rows * cols].view(rows, cols)
            block[:w.shape[1], :w.shape[0]] = w.detach().T
            offset += rows * cols
            flat[offset:offset + b.numel()] = b.detach()
            offset += cols
        return flat

    def parameters(self) -> list[torch.Tensor]:
        DIN, H1, H2, DOUT = self.dims
        out, offset = [], 0
        for (rows, cols), w, b in zip(((DIN, H1), (H1, H2), (H2, DOUT)), self.problem.initial_params[0::2],
                                      self.problem.initial_params[1::2]):
            block = self.params[offset:offset + rows * cols].view(rows, cols)
            out.append(block[:w.shape[1], :w.shape[0]].T.contiguous())
            offset += rows * cols
            out.append(self.params[offset:offset + b.numel()].clone())
            offset += cols
        return out

    def reset(self) -> None:
        self.params.copy_(self.initial)  # in place: a captured graph keeps the addresses
        self.exp_avg.zero_()
        self.exp_avg_sq.zero_()
        self.done = 0

    def _bias_corrections(self, steps: int) -> tuple[list[float], list[float]]:
        lr, b1, b2 = self.config.lr, 0.9, 0.999
        counts = range(self.done + 1, self.done + steps + 1)
        return [lr / (1 - b1**c) for c in counts], [math.sqrt(1 - b2**c) for c in counts]

    def _table(self, steps: int) -> torch.Tensor:
        """The bias corrections of the next ``steps`` steps on the device (step sizes, roots), made once per
        start and length, so that a captured launch reads a tensor that outlives the capture."""
        key = (self.done, steps)
        if key not in self.tables:
            # rows a multiple of 4 floats long: the second row then starts 16-byte aligned whatever ``steps`` is, and
            # Triton, which compiles a pointer's aligned and unaligned cases apart, never compiles anew for a step
            # count (inside a CUDA graph's capture that is an error; inside a timed run, a compile timed as training)
            width = -(-steps // 4) * 4
            table = torch.zeros((2, width), dtype=torch.float32)
            table[:, :steps] = torch.tensor(self._bias_corrections(steps), dtype=torch.float32)
            self.tables[key] = table.to(self.device)
        return self.tables[key]

    def _launch(self, steps: int, losses: torch.Tensor) -> None:
        """Enqueue ``steps`` updates (no synchronisation)."""
        config = self.config
        DIN, H1, H2, DOUT = self.dims
        scale = 2.0 / (self.batch * config.d_out)
        if self.variant == "grid":
            table = self._table(steps)
            self.sync.zero_()
            _grid[(self.programs,)](self.x, self.y, self.params, self.exp_avg, self.exp_avg_sq, self.partials,
                                    self.partial_loss, losses, table[0], table[1], self.sync, self.failed, steps,
                                    self.done, self.batch, self.nbatches, config.d_in, config.d_out, scale,
                                    1.0 / (self.batch * config.d_out), 0.1, 0.999, 1 - 0.999, 1e-8, self.polls,
                                    PLEN=self.plen, DIN=DIN, H1=H1, H2=H2, DOUT=DOUT, BM=self.bm, SLICE=self.slice,
                                    PARTS=padded(self.programs), PRECISION=self.precision, num_warps=self.warps)
            self.done += steps
            return
        if self.variant == "persistent":
            table = self._table(steps)
            _persistent[(1,)](self.x, self.y, self.params, self.exp_avg, self.exp_avg_sq, losses, table[0], table[1],
                              steps, self.done, self.batch, self.nbatches, config.d_in, config.d_out, scale,
                              0.1, 0.999, 1 - 0.999, 1e-8, DIN=DIN, H1=H1, H2=H2, DOUT=DOUT, BM=self.bm,
                              PRECISION=self.precision, num_warps=8)
            self.done += steps
            return
        step_sizes, roots = self._bias_corrections(steps)
        adam_grid = (triton.cdiv(self.plen, ADAM_BLOCK),)
        for s in range(steps):
            start = ((self.done + s) % self.nbatches) * self.batch
            _grads[(self.programs,)](self.x, self.y, self.params, self.partials, self.partial_loss, start, self.batch,
                                     config.d_in, config.d_out, scale, PLEN=self.plen, DIN=DIN, H1=H1, H2=H2, DOUT=DOUT,
                                     BM=self.bm, PRECISION=self.precision, num_warps=self.warps)
            _adam[adam_grid](self.params, self.exp_avg, self.exp_avg_sq, self.partials, self.partial_loss, losses, s,
                             self.programs, step_sizes[s], roots[s], 0.1, 0.999, 1 - 0.999, 1e-8,
                             1.0 / (self.batch * config.d_out), PLEN=self.plen, BLOCK=ADAM_BLOCK, num_warps=4)
        self.done += steps

    def compile(self) -> None:
        """JIT-compile the kernels (one warm-up step), then capture the whole run in a CUDA graph."""
        self._launch(1, self.losses)
        self._check_barriers()
        self.reset()
        if self.variant != "persistent" and self.device.startswith("cuda"):
            self._graph(self.config.steps)

    def _graph(self, steps: int) -> torch.cuda.CUDAGraph:
        """The CUDA graph of ``steps`` updates from the initial state, captured once per step count: the
        profile's few steps replay a graph as the timed runs do (launched one by one, its kernels showed
        20 µs gaps in a 22.8 µs step)."""
        graph = self.graphs.get(steps)
        if graph is None:
            self._table(steps)  # made before the capture: a capture cannot copy from the host
            torch.cuda.synchronize(self.device)
            graph = torch.cuda.CUDAGraph()
            with torch.cuda.graph(graph):
                self._launch(steps, self.losses)
            self.graphs[steps] = graph
            self.reset()
        return graph

    def train(self, on_log: LogCallback | None = None, steps: int | None = None) -> dict[int, float]:
        steps = steps or self.config.steps
        if self.graphs and self.done == 0 and steps <= self.losses.numel():
            self._graph(steps).replay()
            self.done = steps
            losses = self.losses
        else:
            losses = self.losses if steps <= self.losses.numel() else torch.zeros(steps, device=self.device)
            self._launch(steps, losses)
        values = losses[:steps].tolist()  # note: the one CPU-GPU sync point of the run
        self._check_barriers()
        return report_losses(values, steps, self.config.log_every, on_log, every_step=True)

    def _check_barriers(self) -> None:
        """A grid barrier that gave up means the run's steps overlapped: refuse its numbers."""
        if self.variant == "grid" and self.failed.item():
            self.failed.zero_()
            raise BackendUnavailable(
                f"the grid variant's {self.programs} programs were not all running at once (a barrier gave up "
                f"after {self.polls:,} polls), so its steps overlapped; MLPBENCH_FUSED_VARIANT=graph does not "
                f"need them to be")

    def describe(self) -> dict[str, object]:
        return {"variant": self.variant, "rows_per_block": self.bm, "programs": self.programs,
                "padded_dims": list(self.dims), "input_precision": self.precision, "triton": triton.__version__,
                "launches_per_step": 2 if self.variant == "graph" else 0, "cuda_graph": bool(self.graphs),
                **({"grid_barriers_per_step": 2} if self.variant == "grid" else {})}
