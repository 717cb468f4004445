extension RandomAccessCollection {
    /// The first index at which `ok` holds, for a predicate that turns true once and stays true
    /// along the collection (entries in time order, positions that never decrease); `endIndex`
    /// when it never holds. Binary search.
    public func partitionPoint(where ok: (Element) throws -> Bool) rethrows -> Index {
        var lo = startIndex, n = count
        while n > 0 {
            let half = n / 2
            let mid = index(lo, offsetBy: half)
            if try ok(self[mid]) {
                n = half
            } else {
                lo = index(after: mid)
                n -= half + 1
            }
        }
        return lo
    }
}
