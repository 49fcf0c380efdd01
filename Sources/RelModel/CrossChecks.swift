import OrderedCollections

/// Rules that tie several members of one object together.
enum CrossChecks {
    @Sendable static func location(_ o: OrderedDictionary<String, JSONValue>) throws(FieldError) {
        let lat = o["latitude"] ?? .null
        let lon = o["longitude"] ?? .null
        if lat.isNull != lon.isNull {
            throw FieldError(lat.isNull ? "latitude" : "longitude", .null, "latitude and longitude are set together or not at all")
        }
        if let p = o["geo_precision"], !p.isNull, lat.isNull {
            throw FieldError("geo_precision", p, "needs latitude and longitude")
        }
    }

    @Sendable static func codes(_ o: OrderedDictionary<String, JSONValue>) throws(FieldError) {
        let code = o["cameo_event_code"]?.stringValue
        let root = o["cameo_root"]?.stringValue
        if let code, !(code.utf8.count == 3 || code.utf8.count == 4) || !code.utf8.allSatisfy({ (48...57).contains($0) }) {
            throw FieldError("cameo_event_code", .string(code), "must be 3 or 4 digits, such as \"042\"")
        }
        if let root {
            guard root.utf8.count == 2, let n = Int(root), (1...20).contains(n) else {
                throw FieldError("cameo_root", .string(root), "must be two digits 01-20")
            }
            if let code, !code.hasPrefix(root) {
                throw FieldError("cameo_root", .string(root), "must be the first two digits of cameo_event_code \"\(code)\"")
            }
            if case .int(let q)? = o["quad_class"] {
                let allowed: [Int64] =
                    switch n {
                    case 1...5: [1]
                    case 6...8: [2]
                    case 9: [1, 3]  // conventions differ on roots 09 and 14
                    case 10...13: [3]
                    case 14: [3, 4]
                    default: [4]
                    }
                if !allowed.contains(q) {
                    throw FieldError(
                        "quad_class", .int(q),
                        "does not match cameo_root \"\(root)\" (expected \(allowed.map(String.init).joined(separator: " or ")))")
                }
            }
        } else if let code {
            throw FieldError("cameo_root", .null, "must be set to \"\(code.prefix(2))\" when cameo_event_code is set")
        }
        let type = o["acled_event_type"]?.stringValue
        if let sub = o["acled_sub_event_type"]?.stringValue {
            guard let type else { throw FieldError("acled_sub_event_type", .string(sub), "needs acled_event_type") }
            let allowed = Vocabulary.acledSubEventTypes[type] ?? []
            guard allowed.contains(sub) else {
                throw FieldError(
                    "acled_sub_event_type", .string(sub),
                    "is not a sub-event type of \(type); use one of: \(allowed.joined(separator: ", "))")
            }
        }
    }

    @Sendable static func source(_ o: OrderedDictionary<String, JSONValue>) throws(FieldError) {
        if let url = o["url"]?.stringValue, !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            throw FieldError("url", .string(url), "must start with http:// or https://")
        }
    }
}
