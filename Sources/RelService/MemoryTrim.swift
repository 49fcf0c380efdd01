#if canImport(Glibc)
    import Glibc
#endif

/// Gives the heap that a large piece of work freed back to the system.
///
/// glibc's malloc keeps freed memory in its arenas for the process to reuse, and a long-running
/// server seldom reuses that much: after reld imported 100,000 records, it stayed at about
/// 780 MiB resident for good, where `malloc_trim(0)` brings it back to about 40 MiB at once
/// (docs/PERFORMANCE.md, "reld idle memory"). Trimming walks the heap, so it belongs after work that
/// allocated a lot at once (a large import), not after every request.
public enum MemoryTrim {
    /// Returns the free memory at the top of the heap and in its arenas to the system, and says
    /// whether any was returned. Does nothing (and returns false) where the C library is not
    /// glibc, such as musl, which gives large blocks back on its own.
    @discardableResult
    public static func releaseFreedHeap() -> Bool {
        #if canImport(Glibc)
            glibcMallocTrim(0) == 1
        #else
            false
        #endif
    }
}

#if canImport(Glibc)
    /// glibc's `malloc_trim(3)`, declared in <malloc.h>, which the Glibc module does not export.
    @_silgen_name("malloc_trim")
    private func glibcMallocTrim(_ pad: Int) -> Int32
#endif
