@testable import SluiceProxy
import Testing

@Suite("AcceptEncoding")
struct AcceptEncodingTests {
    @Test(arguments: [
        (["gzip"], AcceptEncoding.gzip),
        (["gzip, deflate"], .gzip),
        (["deflate, gzip, br, zstd"], .gzip),
        (["GZIP"], .gzip),
        (["x-gzip"], .gzip),
        (["gzip ; q=1"], .gzip),
        (["gzip;Q=0.5", "deflate;q=0.4"], .gzip),
        (["gzip;q=0.4, deflate;q=0.5"], .deflate),
        (["gzip;q=0, deflate"], .deflate),
        (["deflate"], .deflate),
        (["*"], .gzip),
        (["*;q=0.5, gzip;q=0"], .deflate),
        (["gzip;level=1;q=0.7"], .gzip),
    ] as [([String], AcceptEncoding)])
    func choosesACoding(values: [String], expected: AcceptEncoding) {
        #expect(AcceptEncoding.preferred(in: values) == expected)
    }

    @Test(arguments: [
        [String](),
        ["identity"],
        ["br, zstd"],
        ["gzip;q=0"],
        ["gzip;q=2"],
        ["gzip;q=abc"],
        ["*;q=0"],
        ["gzipped"],
        [""],
    ])
    func choosesNone(values: [String]) {
        #expect(AcceptEncoding.preferred(in: values) == nil)
    }

    @Test func fieldValueIsOneNIOReadsTheSameWay() {
        #expect(AcceptEncoding.fieldValue(for: .gzip) == "gzip")
        #expect(AcceptEncoding.fieldValue(for: .deflate) == "deflate")
        #expect(AcceptEncoding.fieldValue(for: nil) == "identity")
    }
}
