//! Our own wasm kernels, swapped into each graph at load (`runtime::optimise`) where
//! tract's run generic code in wasm: 1x1, direct and depthwise convolutions with what
//! follows them fused in, PReLU, 2x2 max-pool and constant pad. One op per file, each
//! with its tests against tract's own.

pub mod depthwise;
pub mod direct_conv;
mod graph_match;
#[cfg(test)]
mod kernel_test;
pub mod pad;
pub mod pointwise;
pub mod pool;
pub mod prelu;
