//! A list of numbers kept as runs of equal ones: the original source of each mapping of a map,
//! which names one source for long stretches (a bundle's map goes through one module's code
//! after another's): 513 runs, one a module, instead of 216,354 numbers for the 2 MB bundle,
//! kept for the life of the converter. A map whose mappings changed source at every one would
//! cost 8 bytes a mapping.

/// Numbers, as runs of equal ones.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunsU32 {
    /// The index of each run's first number, ascending from 0.
    starts: Vec<u32>,
    /// Each run's number (never the same as the run's before).
    values: Vec<u32>,
    len: usize,
}

impl FromIterator<u32> for RunsU32 {
    fn from_iter<I: IntoIterator<Item = u32>>(values: I) -> Self {
        let mut list = RunsU32::default();
        for value in values {
            list.push(value);
        }
        list.shrink_to_fit();
        list
    }
}

impl From<Vec<u32>> for RunsU32 {
    fn from(values: Vec<u32>) -> Self {
        values.into_iter().collect()
    }
}

impl RunsU32 {
    /// The number at `k` (which must be below `len()`).
    pub fn get(&self, k: usize) -> u32 {
        let run = self.starts.partition_point(|&start| start as usize <= k);
        self.values[run - 1]
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.len
    }

    /// The numbers in order (faster than `get` at each index).
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        let ends = self.starts.iter().skip(1).map(|&start| start as usize);
        let ends = ends.chain(std::iter::once(self.len));
        let runs = self.starts.iter().zip(ends).zip(&self.values);
        runs.flat_map(|((&start, end), &value)| std::iter::repeat_n(value, end - start as usize))
    }

    pub fn push(&mut self, value: u32) {
        if self.values.last() != Some(&value) {
            self.starts.push(self.len as u32);
            self.values.push(value);
        }
        self.len += 1;
    }

    /// Gives back the room the runs grew into.
    pub fn shrink_to_fit(&mut self) {
        self.starts.shrink_to_fit();
        self.values.shrink_to_fit();
    }

    /// Bytes of room the list holds (for the tests that check its size).
    #[cfg(test)]
    pub fn capacity_bytes(&self) -> usize {
        (self.starts.capacity() + self.values.capacity()) * 4
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_come_back_from_their_runs() {
        let numbers = vec![4, 4, 4, 0, 9, 9, 4];
        let list = RunsU32::from(numbers.clone());
        let back: Vec<u32> = (0..list.len()).map(|k| list.get(k)).collect();
        assert_eq!(back, numbers);
        assert_eq!(list.iter().collect::<Vec<_>>(), numbers);
        assert_eq!(RunsU32::default().iter().count(), 0);
        assert_eq!(
            (list.starts.clone(), list.values.clone()),
            (vec![0, 3, 4, 6], vec![4, 0, 9, 4])
        );
        assert_eq!(list.capacity_bytes(), 32);
        assert_eq!(RunsU32::default().len(), 0);
        // Equal lists are equal runs, however they were built.
        let mut pushed = RunsU32::default();
        for &n in &numbers {
            pushed.push(n);
        }
        pushed.shrink_to_fit();
        assert_eq!(pushed, list);
    }
}
