//! Work on every revision of a plan spread over the cores. Reading, parsing and
//! checksumming each revision file is most of what an offline script of 1,000 revisions
//! costs, and of what a run does before its first statement; the files are independent.

/// Below this many items per thread, starting a thread costs more than it saves.
const MIN_CHUNK: usize = 32;
/// More threads than this only contend for the disk and the allocator.
const MAX_THREADS: usize = 8;

/// `work` applied to every item, on up to one thread per core, results in the items' order.
/// A worker that panics gives `panicked()` for each of its items.
pub(crate) fn map_in_order<T, R>(
    items: &[T],
    work: impl Fn(&T) -> R + Sync,
    panicked: impl Fn() -> R,
) -> Vec<R>
where
    T: Sync,
    R: Send,
{
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, MAX_THREADS);
    let chunk_size = items.len().div_ceil(threads).max(MIN_CHUNK);
    if items.len() <= chunk_size {
        return items.iter().map(work).collect();
    }
    let work = &work;
    std::thread::scope(|scope| {
        let workers: Vec<_> = items
            .chunks(chunk_size)
            .map(|chunk| {
                let worker = scope.spawn(move || chunk.iter().map(work).collect::<Vec<R>>());
                (chunk.len(), worker)
            })
            .collect();
        let mut results = Vec::with_capacity(items.len());
        for (len, worker) in workers {
            match worker.join() {
                Ok(chunk) => results.extend(chunk),
                Err(_) => results.extend(std::iter::repeat_with(&panicked).take(len)),
            }
        }
        results
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_the_order_of_the_items() {
        for len in [0, 1, 31, 32, 33, 100, 1_000] {
            let items: Vec<usize> = (0..len).collect();
            let doubled = map_in_order(&items, |n| n * 2, || usize::MAX);
            assert_eq!(doubled, (0..len).map(|n| n * 2).collect::<Vec<_>>());
        }
    }
}
