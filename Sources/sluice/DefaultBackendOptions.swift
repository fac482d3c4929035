import ArgumentParser

/// `--default-backend-service NAMESPACE/NAME` (ingress-nginx's flag): the Service that answers
/// requests no route matches (instead of the built-in 404) when no Ingress has a
/// `spec.defaultBackend`, and makes `custom-http-errors` pages for Ingresses without a
/// `default-backend` of their own. Shared by `sluice controller` and `sluice serve`.
struct DefaultBackendOptions: ParsableArguments {
    @Option(
        name: .customLong("default-backend-service"),
        help: "NAMESPACE/NAME of a Service (one port) that answers requests no Ingress rule matches, and makes custom-http-errors pages (default: Sluice's own 404 page).")
    var defaultBackendService: String?

    /// The flag, else `SLUICE_DEFAULT_BACKEND_SERVICE`.
    var service: String? { defaultBackendService ?? EnvironmentDefault.string("SLUICE_DEFAULT_BACKEND_SERVICE") }

    func validate() throws {
        try NamespacedNameArgument.validate(service, flag: "--default-backend-service")
    }
}
