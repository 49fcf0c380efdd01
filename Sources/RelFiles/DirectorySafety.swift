#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Whether a directory that holds a program's own files (state, socket) is safe from other
/// users: if another user could create or swap files in it, a symlink there could make the
/// program, maybe running as root, write through it to a file it never meant to touch.
public enum DirectorySafety {
    /// Why `path` (an existing directory) is unsafe, with how to fix it, worded to follow its name; `nil` when it is safe:
    /// owned by this user or root, and writable by neither its group nor every user.
    ///
    /// `allowingSticky` accepts a root-owned directory with the sticky bit (`/tmp`): there no user
    /// may remove or rename another's files, so a socket bound there cannot be swapped, and a
    /// name taken first by someone else only makes the bind fail. Not for state directories,
    /// whose files a planted file of another user's could stand in for.
    public static func problem(_ path: String, allowingSticky: Bool = false) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        let me = geteuid()
        if info.st_uid != me && info.st_uid != 0 {
            return "owned by another user (uid \(info.st_uid)), who could plant files in it; "
                + "give it to this user (chown \(me) \(path)) or choose another directory"
        }
        let mode = info.st_mode & 0o7777
        if allowingSticky, info.st_uid == 0, mode & 0o1000 != 0 { return nil }
        if mode & 0o022 != 0 {
            return "writable by other users (mode \(String(mode, radix: 8))), who could plant files in it; "
                + "run chmod go-w \(path), or choose another directory"
        }
        return nil
    }

    /// Whether `path` is a symbolic link (not followed).
    public static func isSymlink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
    }
}
