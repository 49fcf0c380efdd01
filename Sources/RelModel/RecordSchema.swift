/// The fields of each record kind, in the order records are written.
///
/// Mirrors `docs/record-format.md`; where records typed by people need less than the curated
/// sample (no actors yet, no source quote), the field has a default instead of being required.
public enum RecordSchema {
    static let actor = SchemaField.ValueType.object(
        [
            SchemaField("name", .text(maxLength: 300, nonEmpty: true)),
            SchemaField("type", .oneOf(Vocabulary.actorTypes), default: "other"),
            SchemaField("role", .oneOf(Vocabulary.actorRoles), default: "participant"),
            SchemaField("country", .countryCode, nullable: true, default: .null),
        ], check: nil)

    static let location = SchemaField.ValueType.object(
        [
            SchemaField("name", .text(maxLength: 300, nonEmpty: true)),
            SchemaField("country", .countryCode, nullable: true, default: .null),
            SchemaField("admin1", .text(maxLength: 300, nonEmpty: true), nullable: true, default: .null),
            SchemaField("latitude", .number(-90...90), nullable: true, default: .null),
            SchemaField("longitude", .number(-180...180), nullable: true, default: .null),
            SchemaField("geo_precision", .integer(1...3), nullable: true, default: .null),
        ], check: CrossChecks.location)

    static let codes = SchemaField.ValueType.object(
        [
            SchemaField("cameo_event_code", .text(maxLength: 4, nonEmpty: true), nullable: true, default: .null),
            SchemaField("cameo_root", .text(maxLength: 2, nonEmpty: true), nullable: true, default: .null),
            SchemaField("quad_class", .integer(1...4), nullable: true, default: .null),
            SchemaField("acled_event_type", .oneOf(Vocabulary.acledEventTypes), nullable: true, default: .null),
            SchemaField("acled_sub_event_type", .text(maxLength: 100, nonEmpty: true), nullable: true, default: .null),
        ], check: CrossChecks.codes)

    static let source = SchemaField.ValueType.object(
        [
            SchemaField("title", .text(maxLength: 500, nonEmpty: true), nullable: true, default: .null),
            SchemaField("url", .text(maxLength: 2000, nonEmpty: true), nullable: true, default: .null),
            SchemaField("genre", .text(maxLength: 100, nonEmpty: true), nullable: true, default: .null),
            SchemaField("part", .oneOf(Vocabulary.sourceParts), nullable: true, default: .null),
            SchemaField(
                "citation_markers", .list(.text(maxLength: 50, nonEmpty: true), nonEmpty: false, unique: false, maxItems: maxListItems),
                default: []),
            SchemaField("quote", .text(maxLength: 20_000, nonEmpty: true), nullable: true, default: .null),
        ], check: CrossChecks.source)

    /// The most items any list field holds (tags, parties, actors, related_ids, subject_areas,
    /// citation_markers): far more than a record needs, small enough that a record stays within
    /// a few megabytes and a push of hostile lists costs the hub little. docs/record-format.md.
    public static let maxListItems = 1_000

    static let stringList = SchemaField.ValueType.list(
        .text(maxLength: 200, nonEmpty: true), nonEmpty: false, unique: true,
        maxItems: maxListItems)

    /// Fields every record has, after `id` and `kind`.
    public static let common: [SchemaField] = [
        SchemaField("title", .text(maxLength: 500, nonEmpty: true)),
        SchemaField("category", .oneOf(Vocabulary.categories)),
        SchemaField("tags", stringList, default: []),
        SchemaField("date", .date, default: DateSpec.unknown.json),
        SchemaField("parties", .list(.party, nonEmpty: false, unique: true, maxItems: maxListItems), default: []),
        SchemaField("actors", .list(actor, nonEmpty: false, unique: false, maxItems: maxListItems), default: []),
        SchemaField("location", location, nullable: true, default: .null),
        SchemaField("claim_status", .oneOf(Vocabulary.claimStatuses), default: "reported"),
        SchemaField(
            "codes", codes,
            default: [
                "cameo_event_code": nil, "cameo_root": nil, "quad_class": nil, "acled_event_type": nil, "acled_sub_event_type": nil,
            ]),
        SchemaField("source", source, nullable: true, default: .null),
        SchemaField("notes", .text(maxLength: 100_000, nonEmpty: false), default: ""),
        SchemaField("related_ids", .list(.recordID, nonEmpty: false, unique: true, maxItems: maxListItems), default: []),
    ]

    /// Fields only events have.
    public static let eventOnly: [SchemaField] = [
        SchemaField("fatalities", .integer(0...100_000_000), nullable: true, default: .null)
    ]

    /// Fields only agreements have.
    public static let agreementOnly: [SchemaField] = [
        SchemaField("status", .oneOf(Vocabulary.agreementStatuses), default: "unknown"),
        SchemaField("agreement_type", .oneOf(Vocabulary.agreementTypes), default: "unspecified"),
        SchemaField("lateral", .oneOf(Vocabulary.laterals), default: "bilateral"),
        SchemaField("subject_areas", stringList, default: []),
        SchemaField("date_signed", .partialDate, nullable: true, default: .null),
        SchemaField("date_entry_into_force", .partialDate, nullable: true, default: .null),
        SchemaField("place_of_conclusion", .text(maxLength: 300, nonEmpty: true), nullable: true, default: .null),
        SchemaField("registration", .alwaysNull, nullable: true, default: .null),
        SchemaField(
            "alliance_obligations",
            .list(
                .oneOf(Vocabulary.allianceObligations), nonEmpty: true, unique: true,
                maxItems: Vocabulary.allianceObligations.count),
            nullable: true, default: .null),
    ]

    /// All fields of a kind except `id` and `kind`, in canonical order.
    public static func fields(for kind: RecordKind) -> [SchemaField] {
        switch kind {
        case .event: common + eventOnly
        case .agreement: common + agreementOnly
        }
    }
}

/// The two kinds of record.
public enum RecordKind: String, Sendable, CaseIterable, Codable {
    /// Something that happened: a visit, a coup, a delivery, an attack, a statement.
    case event
    /// Something agreed: a treaty, a deal, a memorandum.
    case agreement
}
