import NIOHTTP1
import SluiceRouting
import Testing

@testable import SluiceProxy

/// The labels a request is counted under: bounded sets, whatever the client sends.
@Suite struct MetricLabelsTests {
    @Test(arguments: [
        (HTTPMethod.GET, "GET"), (.POST, "POST"), (.PATCH, "PATCH"), (.CONNECT, "CONNECT"),
        (.RAW(value: "BREW"), "other"), (.PROPFIND, "other"),
    ])
    func methodsOutsideTheStandardOnesAreOther(method: HTTPMethod, label: String) {
        #expect(MethodLabel(method).text == label)
    }

    @Test(arguments: [(101, "1xx"), (200, "2xx"), (304, "3xx"), (404, "4xx"), (499, "4xx"), (502, "5xx"), (504, "5xx"), (999, "5xx")])
    func statusesCountByClass(code: Int, label: String) {
        #expect(StatusClassLabel(code: code).text == label)
    }

    @Test func everyLabelSetHasItsOwnCode() {
        var codes = Set<UInt16>()
        for method in MethodLabel.allCases {
            for status in StatusClassLabel.allCases {
                for proto in ClientProtocolLabel.allCases {
                    codes.insert(RequestSeriesLabels(method: method, status: status, proto: proto).code)
                }
            }
        }
        #expect(codes.count == MethodLabel.allCases.count * StatusClassLabel.allCases.count * ClientProtocolLabel.allCases.count)
    }

    @Test func routeLabelsComeFromTheIngressAndTheBackend() {
        let key = RouteMetricsKey(source: "shop/storefront", backend: "shop/web:8080")
        #expect(key.labels.map(\.value) == ["shop", "storefront", "web"])
        #expect(key.labels.map(\.name) == ["namespace", "ingress", "service"])
        #expect(RouteMetricsKey.unrouted.labels.map(\.value) == ["", "", ""])
        #expect(RouteMetricsKey(source: "bare", backend: "svc").labels.map(\.value) == ["", "bare", "svc"])
    }
}
