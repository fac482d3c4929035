import NIOCore

/// An encoder at the head end of a pipeline that the handler behind it may also write to
/// directly, from the encoder's own place: the parts skip every handler in between, and the
/// `NIOAny` box and dynamic cast each of them would cost. Only for a writer with nothing in
/// between that transforms or holds parts back, so that writes still reach the channel in the
/// order they were made.
///
/// An encoder written only directly need not be an outbound handler at all: then no `read()`,
/// `flush()` or other outbound operation of its channel passes through it.
protocol DirectlyWritableEncoder: ChannelHandler {
    associatedtype Part
    /// Set while the encoder is in a pipeline.
    var context: ChannelHandlerContext? { get }
    /// Encodes `part` and writes the bytes toward the channel from `context`.
    func encode(_ part: Part, context: ChannelHandlerContext, promise: EventLoopPromise<Void>?)
}

extension DirectlyWritableEncoder {
    /// Encodes and writes `part` from this encoder's place (nothing, once it left the pipeline:
    /// then `promise` fails).
    func writeDirect(_ part: Part, promise: EventLoopPromise<Void>? = nil) {
        guard let context else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        encode(part, context: context, promise: promise)
    }

    /// Flushes from this encoder's place.
    func flushDirect() {
        context?.flush()
    }
}
