// The generated body of the upload benchmarks (bench/upload-bench.ts in Node, bench/upload-chromium-page.ts in
// Chromium): the same pseudo-random bytes for every contender, as 1 MiB chunks or cut into parts.
const MIB = 1024 * 1024

// The same pseudo-random 1 MiB chunks for every contender (xorshift32, seeded by the chunk index).
export function* chunks(size: number): Generator<Uint8Array<ArrayBuffer>> {
  for (let produced = 0, index = 1; produced < size; index++) {
    const length = Math.min(MIB, size - produced)
    const bytes = new Uint8Array(length)
    const words = new Uint32Array(bytes.buffer, 0, length >> 2)
    let state = index
    for (let i = 0; i < words.length; i++) {
      state ^= state << 13
      state ^= state >>> 17
      state ^= state << 5
      words[i] = state >>> 0
    }
    produced += length
    yield bytes
  }
}

// The same stream cut into parts of `partSize` (one buffer per part), as both uploaders cut it.
export function* parts(size: number, partSize: number): Generator<Uint8Array<ArrayBuffer>> {
  let part = new Uint8Array(Math.min(partSize, size))
  let filled = 0
  let left = size
  for (const chunk of chunks(size)) {
    for (let at = 0; at < chunk.length;) {
      const taken = Math.min(chunk.length - at, part.length - filled)
      part.set(chunk.subarray(at, at + taken), filled)
      filled += taken
      at += taken
      if (filled === part.length) {
        yield part
        left -= part.length
        filled = 0
        if (left > 0) part = new Uint8Array(Math.min(partSize, left))
      }
    }
  }
}
