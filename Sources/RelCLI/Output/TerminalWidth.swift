import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How many columns a human table may take.
///
/// `$COLUMNS`, when it is a whole number above 0, as `ls` reads it; otherwise the width of the
/// terminal that standard output is; otherwise (output piped or redirected, or a terminal that
/// reports no size) ``defaultColumns``, so that one long cell cannot make every line of a file
/// thousands of characters long. Scripts read `--json`, which is never cut.
enum TerminalWidth {
    /// The width when there is no terminal to ask and no `$COLUMNS`.
    static let defaultColumns = 100

    /// The width for this process's standard output.
    static func current() -> Int {
        resolve(columnsVariable: ProcessInfo.processInfo.environment["COLUMNS"], terminalColumns: terminalColumns())
    }

    /// The rule, apart from where its inputs come from.
    static func resolve(columnsVariable: String?, terminalColumns: Int?) -> Int {
        if let text = columnsVariable, let n = Int(text.trimmingCharacters(in: .whitespaces)), n > 0 { return n }
        if let terminalColumns, terminalColumns > 0 { return terminalColumns }
        return defaultColumns
    }

    /// The width of the terminal standard output is, by `TIOCGWINSZ`; `nil` when it is none.
    static func terminalColumns() -> Int? {
        guard isatty(STDOUT_FILENO) != 0 else { return nil }
        var size = winsize()
        #if canImport(Glibc)
            guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0 else { return nil }
        #else
            guard ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 else { return nil }
        #endif
        return size.ws_col > 0 ? Int(size.ws_col) : nil
    }
}
