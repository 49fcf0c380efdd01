import OrderedCollections

extension RecordValidator {
    /// Reads back what ``Record/json`` wrote for a record that passed the validator, in the same
    /// process (reld's spool of an import, written while the request arrived): its values are
    /// not checked again, which took about 6% of an import's CPU. Only the shape is: an object
    /// with a valid id and kind first, then every field of that kind in schema order and nothing
    /// else, so a damaged or foreign line reads as `nil`, not as a record.
    public static func reread(_ json: JSONValue) -> Record? {
        guard var members = json.objectValue, members.count >= 2,
            members.keys[0] == "id", members.keys[1] == "kind",
            case .string(let id)? = members.removeValue(forKey: "id"), RecordID.isValid(id),
            let kind = members.removeValue(forKey: "kind")?.stringValue.flatMap(RecordKind.init(rawValue:))
        else { return nil }
        let schema = RecordSchema.fields(for: kind)
        guard members.count == schema.count, zip(members.keys, schema).allSatisfy({ $0 == $1.name }) else { return nil }
        return Record(id: id, kind: kind, fields: members)
    }
}
