/// Why a capture file could not be read. Reading stops at the error; every packet before it
/// has already been delivered.
public struct CaptureError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case cannotOpen = "cannot-open"
        case notACapture = "not-a-capture"
        case unsupportedVersion = "unsupported-version"
        case cutOff = "cut-off"
        case absurdLength = "absurd-length"
        case malformedBlock = "malformed-block"
        case io = "io"
    }

    public var code: Code
    /// Byte offset in the file where the problem starts.
    public var offset: Int
    public var reason: String

    public init(_ code: Code, at offset: Int, _ reason: String) {
        self.code = code
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "\(reason) (at byte offset \(offset))" }

    public static func == (lhs: CaptureError, rhs: CaptureError) -> Bool {
        lhs.code == rhs.code && lhs.offset == rhs.offset
    }
}
