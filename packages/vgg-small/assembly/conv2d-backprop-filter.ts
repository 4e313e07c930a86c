// The filter gradient of a convolution on WebAssembly SIMD, for src/wasm-kernels/conv2d-backprop-filter.ts:
//
//   out[r, f] (+)= Σ_{b, oh, ow} xp[b, oh·sh, ow·sw][offs[r]] · dy[b, oh, ow, f]
//
// over a chunk of images, where xp is the chunk's input zero-padded to Hp × Wp (so every filter tap
// reads inside it), r runs over the filter rows (kh, kw, c) and offs[r] = (kh·Wp + kw)·C + c. Each
// sum runs over b, oh, ow in that order, one float32 multiply and one float32 add per term (no
// fused multiply-add), starting from 0 or, for the chunks after the first, from the partial sums
// already in `out`: so the result is the sequential float32 sum over the whole batch, whatever the
// tiling and the chunking. Tiles of 4 rows × 8 or 4 filters are held in registers; the last row
// tile repeats its last row and stores only the real ones. F must be a multiple of 4.
// Pointers are byte addresses in this module's memory.

/** First free byte after this module's static data. */
export function heapBase(): usize {
  return (__heap_base + 15) & ~15;
}

@inline function tile8(
  xp: usize, dy: usize, ob: usize, o0: usize, o1: usize, o2: usize, o3: usize, nr: i32, first: bool,
  B: i32, OH: i32, OW: i32, F: i32, Hp: i32, Wp: i32, C: i32, sh: i32, sw: i32, f0: i32,
): void {
  let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a10 = f32x4.splat(0), a11 = f32x4.splat(0);
  let a20 = f32x4.splat(0), a21 = f32x4.splat(0), a30 = f32x4.splat(0), a31 = f32x4.splat(0);
  const ld = <usize>F << 2;
  if (!first) {
    a00 = v128.load(ob); a01 = v128.load(ob, 16);
    if (nr > 1) { a10 = v128.load(ob + ld); a11 = v128.load(ob + ld, 16); }
    if (nr > 2) { a20 = v128.load(ob + 2 * ld); a21 = v128.load(ob + 2 * ld, 16); }
    if (nr > 3) { a30 = v128.load(ob + 3 * ld); a31 = v128.load(ob + 3 * ld, 16); }
  }
  const xs = <usize>(sw * C) << 2;
  for (let b = 0; b < B; b++) {
    for (let oh = 0; oh < OH; oh++) {
      let xq = xp + (<usize>((b * Hp + oh * sh) * Wp * C) << 2);
      let dq = dy + (<usize>(((b * OH + oh) * OW) * F + f0) << 2);
      for (let ow = 0; ow < OW; ow++) {
        const d0 = v128.load(dq);
        const d1 = v128.load(dq, 16);
        let x = v128.load32_splat(xq + o0);
        a00 = f32x4.add(a00, f32x4.mul(x, d0));
        a01 = f32x4.add(a01, f32x4.mul(x, d1));
        x = v128.load32_splat(xq + o1);
        a10 = f32x4.add(a10, f32x4.mul(x, d0));
        a11 = f32x4.add(a11, f32x4.mul(x, d1));
        x = v128.load32_splat(xq + o2);
        a20 = f32x4.add(a20, f32x4.mul(x, d0));
        a21 = f32x4.add(a21, f32x4.mul(x, d1));
        x = v128.load32_splat(xq + o3);
        a30 = f32x4.add(a30, f32x4.mul(x, d0));
        a31 = f32x4.add(a31, f32x4.mul(x, d1));
        xq += xs;
        dq += ld;
      }
    }
  }
  v128.store(ob, a00); v128.store(ob, a01, 16);
  if (nr > 1) { v128.store(ob + ld, a10); v128.store(ob + ld, a11, 16); }
  if (nr > 2) { v128.store(ob + 2 * ld, a20); v128.store(ob + 2 * ld, a21, 16); }
  if (nr > 3) { v128.store(ob + 3 * ld, a30); v128.store(ob + 3 * ld, a31, 16); }
}

@inline function tile4(
  xp: usize, dy: usize, ob: usize, o0: usize, o1: usize, o2: usize, o3: usize, nr: i32, first: bool,
  B: i32, OH: i32, OW: i32, F: i32, Hp: i32, Wp: i32, C: i32, sh: i32, sw: i32, f0: i32,
): void {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
  const ld = <usize>F << 2;
  if (!first) {
    a0 = v128.load(ob);
    if (nr > 1) a1 = v128.load(ob + ld);
    if (nr > 2) a2 = v128.load(ob + 2 * ld);
    if (nr > 3) a3 = v128.load(ob + 3 * ld);
  }
  const xs = <usize>(sw * C) << 2;
  for (let b = 0; b < B; b++) {
    for (let oh = 0; oh < OH; oh++) {
      let xq = xp + (<usize>((b * Hp + oh * sh) * Wp * C) << 2);
      let dq = dy + (<usize>(((b * OH + oh) * OW) * F + f0) << 2);
      for (let ow = 0; ow < OW; ow++) {
        const d0 = v128.load(dq);
        a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(xq + o0), d0));
        a1 = f32x4.add(a1, f32x4.mul(v128.load32_splat(xq + o1), d0));
        a2 = f32x4.add(a2, f32x4.mul(v128.load32_splat(xq + o2), d0));
        a3 = f32x4.add(a3, f32x4.mul(v128.load32_splat(xq + o3), d0));
        xq += xs;
        dq += ld;
      }
    }
  }
  v128.store(ob, a0);
  if (nr > 1) v128.store(ob + ld, a1);
  if (nr > 2) v128.store(ob + 2 * ld, a2);
  if (nr > 3) v128.store(ob + 3 * ld, a3);
}

/**
 * Adds one chunk of B images to the filter gradient `out` [R, F] (or writes it, when `first`):
 * `xp` [B, Hp, Wp, C] the zero-padded input, `dy` [B, OH, OW, F], `offs` R int32 row offsets.
 */
export function filterGradChunk(
  xp: usize, dy: usize, out: usize, offs: usize, R: i32, first: bool,
  B: i32, OH: i32, OW: i32, F: i32, Hp: i32, Wp: i32, C: i32, sh: i32, sw: i32,
): void {
  for (let r = 0; r < R; r += 4) {
    const nr = min(4, R - r);
    const o0 = <usize>load<i32>(offs + (<usize>r << 2)) << 2;
    const o1 = <usize>load<i32>(offs + (<usize>min(r + 1, R - 1) << 2)) << 2;
    const o2 = <usize>load<i32>(offs + (<usize>min(r + 2, R - 1) << 2)) << 2;
    const o3 = <usize>load<i32>(offs + (<usize>min(r + 3, R - 1) << 2)) << 2;
    const orow = out + (<usize>(r * F) << 2);
    let f = 0;
    for (; f + 8 <= F; f += 8) {
      tile8(xp, dy, orow + (<usize>f << 2), o0, o1, o2, o3, nr, first, B, OH, OW, F, Hp, Wp, C, sh, sw, f);
    }
    for (; f + 4 <= F; f += 4) {
      tile4(xp, dy, orow + (<usize>f << 2), o0, o1, o2, o3, nr, first, B, OH, OW, F, Hp, Wp, C, sh, sw, f);
    }
  }
}
