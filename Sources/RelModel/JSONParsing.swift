import Foundation

extension JSONValue {
    /// Parses JSON text. Throws ``JSONParseError`` with the decoder's reason when the text is not JSON.
    public static func parse(_ data: Data) throws(JSONParseError) -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: data)
        } catch let DecodingError.dataCorrupted(context) {
            let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            throw JSONParseError(reason: underlying ?? context.debugDescription)
        } catch {
            throw JSONParseError(reason: "\(error)")
        }
    }

    /// Parses JSON text given as a string.
    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try parse(Data(text.utf8))
    }
}

/// The input was not well-formed JSON.
public struct JSONParseError: Error, Sendable, CustomStringConvertible {
    /// What the parser found wrong, as it said it.
    public var reason: String
    /// A one-line message for people.
    public var description: String { "malformed JSON: \(reason)" }
}
