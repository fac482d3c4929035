import Testing

@testable import SluiceProxy

/// The byte classes the proxy's own head parsers use, against the grammar's definitions.
@Suite("HTTP byte classes")
struct HTTPByteClassTests {
    @Test func tokenBytesAreRFC9110sTchar() {
        let tchar = Set(Array("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8))
        for byte in UInt8.min...UInt8.max {
            #expect(HTTPByteClass.isToken(byte) == tchar.contains(byte), "byte \(byte)")
        }
    }

    @Test func plainFieldValueBytesAreHTABSpaceAndVisibleASCII() {
        for byte in UInt8.min...UInt8.max {
            let expected = byte == 0x09 || (0x20 <= byte && byte <= 0x7E)
            #expect(HTTPByteClass.isPlainFieldValue(byte) == expected, "byte \(byte)")
        }
    }
}
