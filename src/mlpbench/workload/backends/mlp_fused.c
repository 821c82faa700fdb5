/*
 * mlp_fused.c: forward, backward and Adam of a three-layer ReLU MLP in one C function.
 *
 * Built at first use by mlpbench/backends/cpu_fused.py (cc -O3 -march=native -fopenmp) and called
 * through ctypes. No torch headers: it builds in about a second.
 *
 * Why it is fast: the whole training run is one call, so there is no per-operation dispatch; all
 * buffers are preallocated; every matrix product runs through one register-blocked micro-kernel
 * (4 rows x up to 64 columns of accumulators, GCC vector extensions: AVX-512 where the CPU has
 * it) with bias, ReLU and the ReLU mask fused into its epilogue; the rows of the batch are split
 * across OpenMP threads, whose partial gradients are summed inside the Adam update.
 *
 * Layout: weights are stored input-major (W[k][j] = weight from input k to output j), feature
 * dimensions padded with zeros to multiples of 16 floats. Padding stays exactly zero: its
 * gradients are zero, so Adam leaves it at zero. The arithmetic is IEEE float32 (no fast-math).
 */
#include <math.h>
#include <stdint.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#else
static int omp_get_thread_num(void) { return 0; }
static int omp_get_num_threads(void) { return 1; }
#endif

#define VL 16 /* floats per vector */
#define MR 4  /* rows per micro-kernel */
typedef float vf __attribute__((vector_size(VL * sizeof(float))));
typedef float vfu __attribute__((vector_size(VL * sizeof(float)), aligned(4)));
typedef int32_t vi __attribute__((vector_size(VL * sizeof(int32_t))));

static inline vf vload(const float *p) { return *(const vfu *)p; }
static inline void vstore(float *p, vf v) { *(vfu *)p = v; }
static inline vf keep_where_positive(vf x, vf key) { return (vf)((vi)x & (key > 0)); }
static inline float hsum(vf v) {
  float s = 0;
  for (int e = 0; e < VL; e++) s += v[e];
  return s;
}

enum { EPI_NONE = 0, EPI_RELU = 1, EPI_MASK = 2 };

/* C[ROWS x NV*VL] = (bias | C | 0) + A(ROWS x K) . B[K x NV*VL], then the epilogue. */
#define DEFINE_KERNEL(ROWS, NV)                                                                      \
  static void kern_##ROWS##x##NV(int K, const float *A, long ars, long acs, const float *B, long ldb, \
                                 float *C, long ldc, const float *bias, int accumulate, int epi,      \
                                 const float *mask) {                                                \
    vf c[ROWS][NV];                                                                                  \
    for (int r = 0; r < ROWS; r++)                                                                   \
      for (int v = 0; v < NV; v++)                                                                   \
        c[r][v] = bias ? vload(bias + v * VL) : accumulate ? vload(C + r * ldc + v * VL) : (vf){};   \
    for (int p = 0; p < K; p++) {                                                                    \
      vf b[NV];                                                                                      \
      for (int v = 0; v < NV; v++) b[v] = vload(B + p * ldb + v * VL);                               \
      for (int r = 0; r < ROWS; r++) {                                                               \
        vf a = (vf){} + A[r * ars + p * acs];                                                        \
        for (int v = 0; v < NV; v++) c[r][v] += a * b[v];                                            \
      }                                                                                              \
    }                                                                                                \
    for (int r = 0; r < ROWS; r++)                                                                   \
      for (int v = 0; v < NV; v++) {                                                                 \
        vf out = c[r][v];                                                                            \
        if (epi == EPI_RELU) out = keep_where_positive(out, out);                                    \
        else if (epi == EPI_MASK) out = keep_where_positive(out, vload(mask + r * ldc + v * VL));    \
        vstore(C + r * ldc + v * VL, out);                                                           \
      }                                                                                              \
  }

DEFINE_KERNEL(4, 1) DEFINE_KERNEL(4, 2) DEFINE_KERNEL(4, 3) DEFINE_KERNEL(4, 4)
DEFINE_KERNEL(1, 1) DEFINE_KERNEL(1, 2) DEFINE_KERNEL(1, 3) DEFINE_KERNEL(1, 4)

typedef void (*kernel_fn)(int, const float *, long, long, const float *, long, float *, long, const float *, int,
                          int, const float *);
static const kernel_fn KERNEL4[5] = {0, kern_4x1, kern_4x2, kern_4x3, kern_4x4};
static const kernel_fn KERNEL1[5] = {0, kern_1x1, kern_1x2, kern_1x3, kern_1x4};

/* C[M x N] = A(M x K) . B[K x N] with A(m, p) = A[m*ars + p*acs]; N is a multiple of VL. */
static void gemm(int M, int N, int K, const float *A, long ars, long acs, const float *B, long ldb, float *C,
                 long ldc, const float *bias, int accumulate, int epi, const float *mask) {
  for (int j = 0; j < N; j += 4 * VL) {
    int nv = (N - j) / VL;
    if (nv > 4) nv = 4;
    const float *bj = bias ? bias + j : 0;
    int i = 0;
    for (; i + MR <= M; i += MR)
      KERNEL4[nv](K, A + i * ars, ars, acs, B + j, ldb, C + i * ldc + j, ldc, bj, accumulate, epi,
                  mask ? mask + i * ldc + j : 0);
    for (; i < M; i++)
      KERNEL1[nv](K, A + i * ars, ars, acs, B + j, ldb, C + i * ldc + j, ldc, bj, accumulate, epi,
                  mask ? mask + i * ldc + j : 0);
  }
}

static void column_sums(int M, int N, const float *X, long ldx, float *out) {
  for (int j = 0; j < N; j += VL) {
    vf s = {};
    for (int i = 0; i < M; i++) s += vload(X + i * ldx + j);
    vstore(out + j, s);
  }
}

static inline int pad(int x) { return (x + VL - 1) / VL * VL; }

/* Offsets (in floats) of W1 b1 W2 b2 W3 b3 in the flat padded parameter vector; returns its length. */
long mlp_layout(int d_in, int h1, int h2, int d_out, long *off) {
  long o = 0;
  off[0] = o; o += (long)d_in * pad(h1);
  off[1] = o; o += pad(h1);
  off[2] = o; o += (long)h1 * pad(h2);
  off[3] = o; o += pad(h2);
  off[4] = o; o += (long)h2 * pad(d_out);
  off[5] = o; o += pad(d_out);
  return o;
}

/* Floats of scratch memory mlp_train needs for a batch of `rows`. */
long mlp_workspace_size(int rows, int d_in, int h1, int h2, int d_out, int threads) {
  long off[6];
  long P = mlp_layout(d_in, h1, h2, d_out, off);
  (void)d_in;
  return (long)rows * (2 * pad(h1) + 2 * pad(h2) + pad(d_out)) + (long)h2 * pad(h1) + (long)d_out * pad(h2) +
         (long)threads * P + (long)threads * 16;
}

/*
 * Run `steps` Adam updates (numbers step0+1 .. step0+steps). Update s uses the rows
 * [b*batch, (b+1)*batch) of x/y with b = (step0+s) % nbatches. losses[s] receives the batch's MSE
 * before update s. Adam follows torch.optim.Adam (no weight decay, no amsgrad) exactly.
 */
int mlp_train(const float *x, const float *y, int batch, int nbatches, int d_in, int h1, int h2, int d_out,
              float *params, float *exp_avg, float *exp_avg_sq, int steps, long step0, double lr, double beta1,
              double beta2, double eps, float *losses, int threads, float *ws) {
  long off[6];
  const long P = mlp_layout(d_in, h1, h2, d_out, off);
  const int H1 = pad(h1), H2 = pad(h2), DO = pad(d_out);
  float *a1 = ws, *a2 = a1 + (long)batch * H1, *out = a2 + (long)batch * H2, *g2 = out + (long)batch * DO,
        *g1 = g2 + (long)batch * H2, *w2t = g1 + (long)batch * H1, *w3t = w2t + (long)h2 * H1,
        *grads = w3t + (long)d_out * H2, *partial_loss = grads + (long)threads * P;
  float *W1 = params + off[0], *b1 = params + off[1], *W2 = params + off[2], *b2 = params + off[3],
        *W3 = params + off[4], *b3 = params + off[5];
  const float dscale = 2.0f / ((float)batch * d_out);
  /* the seed's single output: dot products instead of a GEMM padded to 16 columns */
  const int narrow_out = d_out == 1 && H2 <= 16 * VL;

  memset(out, 0, sizeof(float) * (size_t)batch * DO);
  memset(w2t, 0, sizeof(float) * (size_t)h2 * H1);
  memset(w3t, 0, sizeof(float) * (size_t)d_out * H2);
  for (int k = 0; k < h1; k++)
    for (int j = 0; j < h2; j++) w2t[j * H1 + k] = W2[k * H2 + j];
  for (int j = 0; j < h2; j++)
    for (int o = 0; o < d_out; o++) w3t[o * H2 + j] = W3[j * DO + o];

#pragma omp parallel num_threads(threads)
  {
    const int t = omp_get_thread_num(), T = omp_get_num_threads();
    int chunk = (batch + T - 1) / T;
    chunk = (chunk + MR - 1) / MR * MR;
    const int r0 = t * chunk < batch ? t * chunk : batch;
    const int r1 = r0 + chunk < batch ? r0 + chunk : batch, rows = r1 - r0;
    float *g = grads + (long)t * P;
    const long pchunk = (P / VL + T - 1) / T * VL;
    const long q0 = t * pchunk < P ? t * pchunk : P, q1 = q0 + pchunk < P ? q0 + pchunk : P;
    float *a1r = a1 + (long)r0 * H1, *a2r = a2 + (long)r0 * H2, *outr = out + (long)r0 * DO;
    float *g1r = g1 + (long)r0 * H1, *g2r = g2 + (long)r0 * H2;

    for (int s = 0; s < steps; s++) {
      const long first = ((step0 + s) % nbatches) * (long)batch + r0;
      const float *xr = x + first * d_in, *yr = y + first * d_out;
      /* forward */
      gemm(rows, H1, d_in, xr, d_in, 1, W1, H1, a1r, H1, b1, 0, EPI_RELU, 0);
      gemm(rows, H2, h1, a1r, H1, 1, W2, H2, a2r, H2, b2, 0, EPI_RELU, 0);
      if (narrow_out) {
        for (int i = 0; i < rows; i++) {
          vf acc = {};
          for (int j = 0; j < H2; j += VL) acc += vload(a2r + i * H2 + j) * vload(w3t + j);
          outr[i * DO] = hsum(acc) + b3[0];
        }
      } else {
        gemm(rows, DO, h2, a2r, H2, 1, W3, DO, outr, DO, b3, 0, EPI_NONE, 0);
      }
      /* loss and its gradient */
      double l = 0;
      for (int i = 0; i < rows; i++)
        for (int o = 0; o < d_out; o++) {
          float d = outr[i * DO + o] - yr[i * d_out + o];
          l += (double)d * d;
          outr[i * DO + o] = d * dscale;
        }
      partial_loss[t * 16] = (float)l;
      /* backward */
      if (narrow_out) {
        float gb = 0;
        vf acc[16];
        for (int v = 0; v < H2 / VL; v++) acc[v] = (vf){};
        for (int i = 0; i < rows; i++) {
          const float d = outr[i * DO];
          gb += d;
          for (int v = 0; v < H2 / VL; v++) acc[v] += vload(a2r + i * H2 + v * VL) * d;
          for (int v = 0; v < H2 / VL; v++)
            vstore(g2r + i * H2 + v * VL, keep_where_positive(vload(w3t + v * VL) * d, vload(a2r + i * H2 + v * VL)));
        }
        for (int j = 0; j < h2; j++) g[off[4] + (long)j * DO] = acc[j / VL][j % VL];
        memset(g + off[5], 0, sizeof(float) * DO);
        g[off[5]] = gb;
      } else {
        gemm(h2, DO, rows, a2r, 1, H2, outr, DO, g + off[4], DO, 0, 0, EPI_NONE, 0);
        column_sums(rows, DO, outr, DO, g + off[5]);
        gemm(rows, H2, d_out, outr, DO, 1, w3t, H2, g2r, H2, 0, 0, EPI_MASK, a2r);
      }
      gemm(h1, H2, rows, a1r, 1, H1, g2r, H2, g + off[2], H2, 0, 0, EPI_NONE, 0);
      column_sums(rows, H2, g2r, H2, g + off[3]);
      gemm(rows, H1, h2, g2r, H2, 1, w2t, H1, g1r, H1, 0, 0, EPI_MASK, a1r);
      gemm(d_in, H1, rows, xr, 1, d_in, g1r, H1, g + off[0], H1, 0, 0, EPI_NONE, 0);
      column_sums(rows, H1, g1r, H1, g + off[1]);
#pragma omp barrier
      if (t == 0) {
        double total = 0;
        for (int u = 0; u < T; u++) total += partial_loss[u * 16];
        losses[s] = (float)(total / ((double)batch * d_out));
      }
      /* Adam, as torch.optim.Adam: m.lerp_(g, 1-b1); v = b2*v + (1-b2)*g*g;
         p -= (lr / bc1) * m / (sqrt(v) / sqrt(bc2) + eps) */
      const long step = step0 + s + 1;
      const double bc1 = 1.0 - pow(beta1, (double)step), bc2 = 1.0 - pow(beta2, (double)step);
      const float step_size = (float)(lr / bc1), bc2_sqrt = (float)sqrt(bc2);
      const float one_minus_b1 = (float)(1.0 - beta1), fb2 = (float)beta2, one_minus_b2 = (float)(1.0 - beta2);
      const float feps = (float)eps;
      for (long q = q0; q < q1; q += VL) {
        vf gr = vload(grads + q);
        for (int u = 1; u < T; u++) gr += vload(grads + (long)u * P + q);
        vf m = vload(exp_avg + q), v = vload(exp_avg_sq + q), p = vload(params + q);
        m += one_minus_b1 * (gr - m);
        v = fb2 * v + one_minus_b2 * gr * gr;
        vf root;
        for (int e = 0; e < VL; e++) root[e] = sqrtf(v[e]);
        p -= step_size * m / (root / bc2_sqrt + feps);
        vstore(exp_avg + q, m);
        vstore(exp_avg_sq + q, v);
        vstore(params + q, p);
      }
#pragma omp barrier
      /* refresh the transposed copies the backward pass reads */
      for (int j = t; j < h2; j += T) {
        for (int k = 0; k < h1; k++) w2t[j * H1 + k] = W2[k * H2 + j];
        for (int o = 0; o < d_out; o++) w3t[o * H2 + j] = W3[j * DO + o];
      }
#pragma omp barrier
    }
  }
  return 0;
}
