/*
 * Fused training kernels for the neural families, compiled to WebAssembly with SIMD (build.sh).
 *
 * Why: stock tfjs runs an LSTM as ~15 small ops per time step (forward) and twice that backward,
 * each with JavaScript overhead, and its wasm matrix product falls back to a naive loop whenever
 * an operand is transposed, which is every gradient. Here a whole layer (a dense layer with its
 * activation, an LSTM/GRU over the full sequence, attention over all heads, a causal convolution)
 * is one call forward and one backward, on a blocked SIMD matrix product.
 *
 * Conventions: row-major float32; pointers are byte offsets into the memory the host provides
 * (imported, so JavaScript owns allocation); no libc (memset/memcpy lower to bulk-memory ops).
 */
#include "c/gemm.c"
#include "c/recurrent.c"
#include "c/attention.c"
#include "c/misc.c"
