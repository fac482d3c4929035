import NIOHTTP1
import SluiceRouting

/// Whether a request goes to its route's canary (`RouteCanary`), in ingress-nginx's order:
/// - `canary-by-header`'s field: with `canary-by-header-value`, that value sends it to the
///   canary; without, `always` does and `never` keeps it on the main backend; any other value
///   decides nothing;
/// - then `canary-by-cookie`'s cookie: `always` / `never` the same way;
/// - then the weight: `weight` out of `weightTotal` of the rest, by `roll` (uniform in 0..<1;
///   read only when the weight decides).
enum CanaryDecision {
    static func takes(_ head: HTTPRequestHead, rule: CanaryRule, roll: () -> Double) -> Bool {
        if let name = rule.header, let value = head.headers.first(name: name) {
            if let expected = rule.headerValue {
                if value == expected { return true }
            } else if value == "always" {
                return true
            } else if value == "never" {
                return false
            }
        }
        if let name = rule.cookie, let value = RequestKey.cookie(name, in: head.headers["cookie"]) {
            if value == "always" { return true }
            if value == "never" { return false }
        }
        guard rule.weight > 0 else { return false }
        return rule.weight >= rule.weightTotal || roll() * Double(rule.weightTotal) < Double(rule.weight)
    }
}
