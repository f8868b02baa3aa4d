import Foundation

/// A figure in one JSON object by a dotted path (`client_to_server.overhead_bytes.l7`), as text.
enum JSONPath {
    static func value(at path: String, in json: String) -> String? {
        guard var node = try? JSONSerialization.jsonObject(with: Data(json.utf8)) else { return nil }
        for key in path.split(separator: ".") {
            if let object = node as? [String: Any], let next = object[String(key)] {
                node = next
            } else if let array = node as? [Any], let index = Int(key), array.indices.contains(index) {
                node = array[index]
            } else {
                return nil
            }
        }
        switch node {
        case let text as String: return text
        case let number as NSNumber: return number.stringValue
        default: return nil
        }
    }
}
