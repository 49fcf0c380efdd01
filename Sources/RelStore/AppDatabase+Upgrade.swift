import Foundation
import GRDB

#if canImport(Glibc)
    import Glibc
#endif

extension AppDatabase {
    /// After an upgrade that rewrote tables (as `v9-one-copy` did) the file keeps its old size:
    /// SQLite reuses freed pages but does not give them back. Rewrites the file once (`VACUUM`)
    /// when an eighth or more of it is free and the file system has room for two copies of what
    /// is left (the new file and its write-ahead log). Otherwise, or if it fails, the store stays
    /// as it is, whole, and reuses the space as it grows; `VACUUM` in the `sqlite3` shell, with
    /// the server stopped, shrinks it later. `VACUUM` is safe for the search index from v9 on:
    /// it is keyed by `rid`, an `INTEGER PRIMARY KEY`, which `VACUUM` never renumbers.
    static func reclaimFreedSpace(_ writer: DatabasePool, path: String) {
        guard
            let (pages, free, pageSize) = try? writer.read({ db in
                (
                    try Int64.fetchOne(db, sql: "PRAGMA page_count") ?? 0,
                    try Int64.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0,
                    try Int64.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
                )
            }), free * 8 >= pages, pages > 0
        else { return }
        var fs = statvfs()
        guard statvfs(URL(fileURLWithPath: path).deletingLastPathComponent().path, &fs) == 0,
            Int64(fs.f_bavail) * Int64(fs.f_frsize) > 2 * (pages - free) * pageSize
        else { return }
        try? writer.vacuum()
        _ = try? writer.writeWithoutTransaction { try $0.checkpoint(.truncate) }
    }
}
