//! Maps keyed by source positions (`(file, line, column)`, a function's start offset), with a
//! hasher made for them.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Hashes positions (the `(file, line, column)` keys of one call's entries, a script's function
/// starts): a multiply and a rotation per number. SipHash, the default, is built for keys an
/// adversary picks and took a tenth of a warm conversion of typescript.js (tens of thousands of
/// methods and branches).
#[derive(Default, Clone, Copy)]
pub struct PositionHasher(u64);

impl Hasher for PositionHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u32(u32::from(b));
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(n)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

/// A map keyed by `(file, line, column)`.
pub type PositionMap = HashMap<(u32, u32, u32), u32, BuildHasherDefault<PositionHasher>>;
