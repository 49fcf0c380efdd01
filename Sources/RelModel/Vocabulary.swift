/// The closed vocabularies of the record schema (see the sample data's README).
public enum Vocabulary {
    /// Record kinds.
    public static let kinds = ["event", "agreement"]
    /// Main categories of a record.
    public static let categories = [
        "diplomatic", "military", "security", "economic", "energy", "mining", "agriculture", "political",
    ]
    /// How far a claim is established.
    public static let claimStatuses = ["reported", "alleged", "disputed"]
    /// What kind of actor takes part.
    public static let actorTypes = [
        "state", "government", "military", "armed_group", "private_military_company", "igo", "company",
        "political_movement", "person", "other",
    ]
    /// The part an actor plays in a record.
    public static let actorRoles = ["source", "target", "participant", "associated", "mentioned"]
    /// Where an agreement stands.
    public static let agreementStatuses = ["proposed", "signed", "in_force", "suspended", "terminated", "unknown"]
    /// The legal form of an agreement.
    public static let agreementTypes = [
        "treaty", "agreement", "mou", "protocol", "exchange_of_notes", "contract", "alliance",
        "political_understanding", "unspecified",
    ]
    /// How many parties an agreement binds.
    public static let laterals = ["bilateral", "multilateral"]
    /// ATOP-style alliance obligations.
    public static let allianceObligations = ["defense", "neutrality", "nonaggression", "entente"]
    /// Where in the source a quote stands.
    public static let sourceParts = ["body", "caption", "heading", "title", "other"]
    /// ACLED event types and the sub-event types that belong to each.
    public static let acledSubEventTypes: [String: [String]] = [
        "Battles": ["Armed clash", "Government regains territory", "Non-state actor overtakes territory"],
        "Explosions/Remote violence": [
            "Chemical weapon", "Air/drone strike", "Suicide bomb", "Shelling/artillery/missile attack",
            "Remote explosive/landmine/IED", "Grenade",
        ],
        "Violence against civilians": ["Sexual violence", "Attack", "Abduction/forced disappearance"],
        "Protests": ["Peaceful protest", "Protest with intervention", "Excessive force against protesters"],
        "Riots": ["Violent demonstration", "Mob violence"],
        "Strategic developments": [
            "Agreement", "Arrests", "Change to group/activity", "Disrupted weapons use",
            "Headquarters or base established", "Looting/property destruction",
            "Non-violent transfer of territory", "Other",
        ],
    ]
    /// ACLED event types, in ACLED's order.
    public static let acledEventTypes = [
        "Battles", "Explosions/Remote violence", "Violence against civilians", "Protests", "Riots",
        "Strategic developments",
    ]
}
