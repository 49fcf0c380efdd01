/// The version reld, relctl and relhub report.
public enum RelVersion {
    /// Semantic version of this build.
    public static let current = "0.2.0"
}
