import SluiceRouting
import Testing

/// `LoadBalancing` and the key templates of `RequestKeyPart`: parsing, the text the routing
/// table shows, and the replica.
@Suite("Load balancing values")
struct LoadBalancingTests {
    @Test func aTemplateParsesIntoTextAndVariables() {
        let (parts, unknown) = RequestKeyPart.parse("u=$http_X_User;$cookie_sid/$arg_room$remote_addr$host$request_uri$nope")
        #expect(parts == [
            .literal("u="), .field("x-user"), .literal(";"), .cookie("sid"), .literal("/"), .queryArgument("room"),
            .remoteAddress, .host, .requestURI,
        ])
        #expect(unknown == ["$nope"])
    }

    @Test func aTemplateIsWrittenBackAsParsed() {
        for template in ["$http_x_user", "$cookie_session-$arg_room$request_uri", "a$remote_addr:b$host"] {
            let parts = RequestKeyPart.parse(template).parts
            #expect(LoadBalancing.hash(parts).text == template)
        }
    }

    @Test func onlyCountingPoliciesCountRequestsInFlight() {
        #expect(LoadBalancing.leastStreams.countsInFlight && LoadBalancing.ewma.countsInFlight)
        #expect(!LoadBalancing.roundRobin.countsInFlight && !LoadBalancing.hash([.host]).countsInFlight)
    }

    @Test(arguments: [
        (LoadBalancing.roundRobin, ""), (.leastStreams, " balance=least_streams"), (.ewma, " balance=ewma"),
        (.hash([.field("x-user"), .literal(":"), .queryArgument("room")]), " hash-by=\"$http_x_user:$arg_room\""),
    ])
    func theTableShowsHowARouteBalances(balancing: LoadBalancing, shown: String) {
        let route = Route(
            host: .exact("foo.com"), path: .prefix(ingressPath: "/"),
            backend: Backend(name: "default/svc:80", endpoints: [Endpoint(host: "10.0.0.1", port: 8080)]),
            policy: RoutePolicy(loadBalancing: balancing), source: "default/web")
        #expect(RoutingTableText.render(RoutingTable(routes: [route])) == "foo.com / -> default/svc:80 [10.0.0.1:8080]\(shown) from=default/web\n")
    }

    @Test func aReplicaOfAHashingPolicyIsEqual() {
        let policy = RoutePolicy(loadBalancing: .hash([.field("x-user"), .literal("-"), .cookie("sid")]))
        let table = RoutingTable(routes: [
            Route(host: .any, path: .prefix(ingressPath: "/"), backend: Backend(name: "a", endpoints: []), policy: policy, source: "x")
        ])
        let replica = table.replica(forLoop: 0)
        #expect(replica == table)
        #expect(replica.routes[0].policy.loadBalancing == policy.loadBalancing)
    }
}
