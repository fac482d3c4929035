import NIOHTTP1

/// Method tests by case. `==` between two `HTTPMethod`s resolves to the standard library's
/// `RawRepresentable` overload, which builds both methods' `rawValue` strings: six of those per
/// proxied response showed up in the encoder's instruction count.
extension HTTPMethod {
    var isHEAD: Bool {
        if case .HEAD = self { return true }
        return false
    }

    var isCONNECT: Bool {
        if case .CONNECT = self { return true }
        return false
    }

    var isTRACE: Bool {
        if case .TRACE = self { return true }
        return false
    }
}
