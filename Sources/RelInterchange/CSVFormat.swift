/// The CSV formats relctl reads and writes.
public enum CSVFormat: String, Sendable, CaseIterable {
    /// reld's own columns (``OwnCSVMapping``): every field, so export and import lose nothing.
    case csv
    /// ACLED's standard export, 31 columns (``ACLEDMapping``).
    case acled
    /// UCDP's Georeferenced Event Dataset, 49 columns (``UCDPMapping``).
    case ucdp

    /// The mapping between the format's rows and records.
    public var mapping: any RowMapping {
        switch self {
        case .csv: OwnCSVMapping()
        case .acled: ACLEDMapping()
        case .ucdp: UCDPMapping()
        }
    }
}
