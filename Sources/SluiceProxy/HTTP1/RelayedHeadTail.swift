/// What follows the upstream's fields in the head of a relayed event stream, as both one-pass
/// writers put it (`ClientResponseHead.serializeRelayed`, `ChunkedResponseHead.
/// serializedForClient`): the plan's fields, `Connection: close` when the plan closes the
/// connection, then the framing `ClientResponseEncoder` adds for a chunked body, and the blank
/// line.
enum RelayedHeadTail {
    private static let closing: StaticString = "Connection: close\r\ntransfer-encoding: chunked\r\n\r\n"
    private static let keepingOpen: StaticString = "transfer-encoding: chunked\r\n\r\n"

    static func length(_ plan: ResponseHeadPlan) -> Int {
        var length = (plan.closeClient ? closing : keepingOpen).utf8CodeUnitCount
        for field in plan.fields where !field.hides { length += HeadCursor.lengthOfField(field.name, field.value) }
        return length
    }

    static func append(_ plan: ResponseHeadPlan, to cursor: inout HeadCursor) {
        for field in plan.fields where !field.hides { cursor.appendField(field.name, field.value) }
        cursor.append(plan.closeClient ? closing : keepingOpen)
    }
}
