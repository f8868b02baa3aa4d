/// The seven layers of the OSI reference model, used to label every decoded layer.
public enum OSILayer: Int, Sendable, Comparable, CaseIterable {
    case physical = 1, dataLink, network, transport, session, presentation, application

    public var title: String {
        switch self {
        case .physical: "Physical"
        case .dataLink: "Data link"
        case .network: "Network"
        case .transport: "Transport"
        case .session: "Session"
        case .presentation: "Presentation"
        case .application: "Application"
        }
    }

    public static func < (lhs: OSILayer, rhs: OSILayer) -> Bool { lhs.rawValue < rhs.rawValue }
}
