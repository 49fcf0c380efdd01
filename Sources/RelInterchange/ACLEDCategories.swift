/// Which of the ledger's categories an ACLED event falls in; docs/csv.md has the table.
enum ACLEDCategories {
    /// The category for an event and sub-event type; `security` for types ACLED may add later.
    static func category(eventType: String, subEventType: String) -> String {
        switch eventType {
        case "Battles", "Explosions/Remote violence": return "military"
        case "Violence against civilians", "Riots": return "security"
        case "Protests": return "political"
        case "Strategic developments":
            switch subEventType {
            case "Agreement": return "diplomatic"
            case "Arrests", "Looting/property destruction": return "security"
            case "Disrupted weapons use", "Headquarters or base established", "Non-violent transfer of territory": return "military"
            default: return "political"
            }
        default: return "security"
        }
    }
}
