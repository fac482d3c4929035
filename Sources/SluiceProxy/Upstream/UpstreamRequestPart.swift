import NIOCore
import NIOHTTP1

/// A part of a request as the proxy sends it upstream: its head already serialized, then the
/// client's body parts and end, which `UpstreamRequestEncoder` frames as the head says.
enum UpstreamRequestPart {
    case head(UpstreamRequestHead)
    case body(IOData)
    case end(HTTPHeaders?)
}
