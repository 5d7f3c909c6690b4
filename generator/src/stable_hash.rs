//! A hash whose value never changes: SipHash-2-4 (64-bit output) with a fixed key,
//! written out here so that it is the same on every machine, Rust release and docbind
//! build. (std's `DefaultHasher` makes no such promise.) docbind uses it for the
//! fingerprint it keeps in the output manifest, and its build script for the hash of
//! the emitter's sources; it is not meant to resist an adversary.
//!
//! This file has no dependencies: `generator/build.rs` includes it with `#[path]`.

/// SipHash-2-4 over a stream of bytes; [`StableHasher::finish`] gives the 64-bit hash.
/// How the bytes arrive (one call or many) does not change the result.
#[derive(Clone, Debug)]
pub struct StableHasher {
    v0: u64,
    v1: u64,
    v2: u64,
    v3: u64,
    /// Bytes not yet making a whole word, little-endian in the low `ntail` bytes.
    tail: u64,
    ntail: usize,
    length: usize,
}

/// The key docbind always uses (the bytes 0..16, as in the reference test vectors).
const KEY: (u64, u64) = (0x0706_0504_0302_0100, 0x0f0e_0d0c_0b0a_0908);

impl Default for StableHasher {
    fn default() -> Self {
        Self::new()
    }
}

impl StableHasher {
    pub fn new() -> Self {
        Self::with_key(KEY.0, KEY.1)
    }

    pub fn with_key(k0: u64, k1: u64) -> Self {
        StableHasher {
            v0: k0 ^ 0x736f_6d65_7073_6575,
            v1: k1 ^ 0x646f_7261_6e64_6f6d,
            v2: k0 ^ 0x6c79_6765_6e65_7261,
            v3: k1 ^ 0x7465_6462_7974_6573,
            tail: 0,
            ntail: 0,
            length: 0,
        }
    }

    #[inline]
    fn round(&mut self) {
        self.v0 = self.v0.wrapping_add(self.v1);
        self.v1 = self.v1.rotate_left(13);
        self.v1 ^= self.v0;
        self.v0 = self.v0.rotate_left(32);
        self.v2 = self.v2.wrapping_add(self.v3);
        self.v3 = self.v3.rotate_left(16);
        self.v3 ^= self.v2;
        self.v0 = self.v0.wrapping_add(self.v3);
        self.v3 = self.v3.rotate_left(21);
        self.v3 ^= self.v0;
        self.v2 = self.v2.wrapping_add(self.v1);
        self.v1 = self.v1.rotate_left(17);
        self.v1 ^= self.v2;
        self.v2 = self.v2.rotate_left(32);
    }

    #[inline]
    fn word(&mut self, m: u64) {
        self.v3 ^= m;
        self.round();
        self.round();
        self.v0 ^= m;
    }

    /// Adds bytes to the stream.
    pub fn write(&mut self, mut bytes: &[u8]) {
        self.length = self.length.wrapping_add(bytes.len());
        if self.ntail > 0 {
            while self.ntail < 8 {
                let Some((&b, rest)) = bytes.split_first() else {
                    return;
                };
                self.tail |= u64::from(b) << (8 * self.ntail);
                self.ntail += 1;
                bytes = rest;
            }
            let m = self.tail;
            self.word(m);
            self.tail = 0;
            self.ntail = 0;
        }
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(chunk);
            self.word(u64::from_le_bytes(w));
        }
        for (i, &b) in chunks.remainder().iter().enumerate() {
            self.tail |= u64::from(b) << (8 * i);
        }
        self.ntail = chunks.remainder().len();
    }

    /// Adds a number (8 bytes, little-endian).
    pub fn write_u64(&mut self, n: u64) {
        self.write(&n.to_le_bytes());
    }

    /// Adds a string with its length first, so that consecutive strings cannot run
    /// into each other.
    pub fn write_str(&mut self, s: &str) {
        self.write_u64(s.len() as u64);
        self.write(s.as_bytes());
    }

    /// The hash of everything written so far (the hasher can go on being used).
    pub fn finish(&self) -> u64 {
        let mut s = self.clone();
        let b = ((self.length as u64 & 0xff) << 56) | self.tail;
        s.v3 ^= b;
        s.round();
        s.round();
        s.v0 ^= b;
        s.v2 ^= 0xff;
        for _ in 0..4 {
            s.round();
        }
        s.v0 ^ s.v1 ^ s.v2 ^ s.v3
    }
}

impl std::io::Write for StableHasher {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        StableHasher::write(self, buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The hash of one byte string.
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut h = StableHasher::new();
    h.write(bytes);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_hash_matches_the_siphash_2_4_reference_vectors() {
        // From the SipHash paper (key 00..0f; messages 00..(n-1)).
        assert_eq!(hash_bytes(&[]), 0x726f_db47_dd0e_0e31);
        let msg: Vec<u8> = (0u8..15).collect();
        assert_eq!(hash_bytes(&msg), 0xa129_ca61_49be_45e5);
    }

    #[test]
    fn stable_hash_does_not_depend_on_how_bytes_arrive() {
        let msg: Vec<u8> = (0u8..=200).collect();
        let whole = hash_bytes(&msg);
        for split in [1, 3, 7, 8, 9, 64, 100] {
            let mut h = StableHasher::new();
            for chunk in msg.chunks(split) {
                h.write(chunk);
            }
            assert_eq!(h.finish(), whole, "chunks of {split}");
        }
        assert_ne!(hash_bytes(&msg[..200]), whole);
    }

    #[test]
    fn stable_hash_strings_are_delimited() {
        let mut a = StableHasher::new();
        a.write_str("ab");
        a.write_str("c");
        let mut b = StableHasher::new();
        b.write_str("a");
        b.write_str("bc");
        assert_ne!(a.finish(), b.finish());
    }
}
