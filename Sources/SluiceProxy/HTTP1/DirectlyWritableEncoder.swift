import NIOCore

/// An encoder at the head end of a pipeline that the handler behind it may also write to
/// directly, from the encoder's own place: the parts skip every handler in between, and the
/// `NIOAny` box and dynamic cast each of them would cost. Only for a writer with nothing in
/// between that transforms or holds parts back, so that writes still reach the channel in the
/// order they were made.
///
/// An encoder written only directly need not be a handler at all: ``attach(to:)`` it to the
/// context of the pipeline's first handler instead. Then no `read()`, `flush()` or other
/// outbound operation of its channel passes through it, the pipeline has a handler less to set
/// up, and its writes reach the channel at once (NIO steps an outbound operation through every
/// context between where it starts and the channel, handler or not).
protocol DirectlyWritableEncoder: AnyObject {
    associatedtype Part
    /// Where the encoder writes from: its own context while it is a handler in a pipeline, or
    /// the one it is attached to.
    var context: ChannelHandlerContext? { get set }
    /// Encodes `part` and writes the bytes toward the channel from `context`.
    func encode(_ part: Part, context: ChannelHandlerContext, promise: EventLoopPromise<Void>?)
}

extension DirectlyWritableEncoder {
    /// Makes the encoder write from `context` without being in the pipeline: for a pipeline
    /// where only its writer writes to it, and `context` is that of the first handler (no
    /// outbound handler before it). ``detach()`` before that handler leaves.
    func attach(to context: ChannelHandlerContext) {
        self.context = context
    }

    func detach() {
        context = nil
    }

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
