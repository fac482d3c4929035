import NIOCore

extension ChannelHandlerContext {
    /// Turns the channel's `autoRead` off or on, from its own event loop: the proxy's
    /// backpressure. Off also drops the channel's interest in readability, so the read burst under
    /// way is the last; on issues a read. Closes the channel if it refuses (only a closed channel
    /// does, and it is going away anyway).
    func setAutoRead(_ on: Bool) {
        do {
            try channel.syncOptions?.setOption(ChannelOptions.autoRead, value: on)
        } catch {
            close(promise: nil)
        }
    }

    /// `setAutoRead(true)` for an HTTP/2 stream channel, which only sets the flag where a socket
    /// channel issues a read: the read is issued here, or the frames the stream held while paused
    /// would wait for the connection's next read (a client's upload held until it gave up).
    func resumeStreamAutoRead() {
        setAutoRead(true)
        read()
    }
}
