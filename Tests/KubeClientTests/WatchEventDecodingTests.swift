import Foundation
import KubeModels
import Testing

@testable import KubeClient

@Suite struct WatchEventDecodingTests {
    private func decode(_ line: String) -> WatchEvent<TestIngress> {
        WatchEventDecoding.decode(Data(line.utf8), as: TestIngress.self, decoder: JSONDecoder())
    }

    @Test func decodesObjectEvents() {
        let line = #"{"type":"MODIFIED","object":{"kind":"Ingress","apiVersion":"networking.k8s.io/v1","metadata":{"name":"a","namespace":"ns","resourceVersion":"7"}}}"#
        guard case .modified(let ingress) = decode(line) else {
            Issue.record("expected MODIFIED")
            return
        }
        #expect(ingress.metadata.name == "a")
        #expect(ingress.kind == "Ingress")
    }

    @Test func decodesTheRealServersBookmark() {
        let line = #"{"type":"BOOKMARK","object":{"kind":"Ingress","apiVersion":"networking.k8s.io/v1","metadata":{"resourceVersion":"9529","creationTimestamp":null},"spec":{},"status":{"loadBalancer":{}}}}"#
        #expect(decode(line) == .bookmark(resourceVersion: "9529"))
    }

    @Test func decodesTheRealServersExpiredError() {
        let line = #"{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 1 (3559)","reason":"Expired","code":410}}"#
        #expect(decode(line) == .error(KubeStatus(code: 410, reason: "Expired", message: "too old resource version: 1 (3559)")))
    }

    @Test func reportsUndecodableLinesWithoutThrowing() {
        for line in [#"{"type":"ADDED","object":{"kind":"#, #"{"type":"SURPRISE","object":{}}"#, #"{"type":"ADDED","object":{"metadata":7}}"#] {
            guard case .decodingFailed(let reported, _) = decode(line) else {
                Issue.record("expected decodingFailed for \(line)")
                continue
            }
            #expect(reported == line)
        }
    }
}
