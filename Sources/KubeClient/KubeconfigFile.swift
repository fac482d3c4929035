/// The parts of a kubeconfig YAML file (`kind: Config`) that Sluice reads.
struct KubeconfigFile: Decodable {
    var currentContext: String?
    var clusters: [Named<Cluster>]?
    var users: [Named<User>]?
    var contexts: [Named<Context>]?

    enum CodingKeys: String, CodingKey {
        case currentContext = "current-context"
        case clusters, users, contexts
    }

    struct Named<Value: Decodable>: Decodable {
        var name: String
        var value: Value?

        enum CodingKeys: String, CodingKey { case name, cluster, user, context }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            value =
                try container.decodeIfPresent(Value.self, forKey: .cluster)
                ?? container.decodeIfPresent(Value.self, forKey: .user)
                ?? container.decodeIfPresent(Value.self, forKey: .context)
        }
    }

    struct Cluster: Decodable {
        var server: String?
        var certificateAuthority: String?
        var certificateAuthorityData: String?
        var insecureSkipTLSVerify: Bool?

        enum CodingKeys: String, CodingKey {
            case server
            case certificateAuthority = "certificate-authority"
            case certificateAuthorityData = "certificate-authority-data"
            case insecureSkipTLSVerify = "insecure-skip-tls-verify"
        }
    }

    struct User: Decodable {
        var token: String?
        var tokenFile: String?
        var clientCertificate: String?
        var clientCertificateData: String?
        var clientKey: String?
        var clientKeyData: String?
        var hasExec: Bool
        var hasAuthProvider: Bool
        var hasBasicAuth: Bool

        enum CodingKeys: String, CodingKey {
            case token, tokenFile, exec, username, password
            case clientCertificate = "client-certificate"
            case clientCertificateData = "client-certificate-data"
            case clientKey = "client-key"
            case clientKeyData = "client-key-data"
            case authProvider = "auth-provider"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            token = try container.decodeIfPresent(String.self, forKey: .token)
            tokenFile = try container.decodeIfPresent(String.self, forKey: .tokenFile)
            clientCertificate = try container.decodeIfPresent(String.self, forKey: .clientCertificate)
            clientCertificateData = try container.decodeIfPresent(String.self, forKey: .clientCertificateData)
            clientKey = try container.decodeIfPresent(String.self, forKey: .clientKey)
            clientKeyData = try container.decodeIfPresent(String.self, forKey: .clientKeyData)
            hasExec = container.contains(.exec)
            hasAuthProvider = container.contains(.authProvider)
            hasBasicAuth = container.contains(.username) || container.contains(.password)
        }
    }

    struct Context: Decodable {
        var cluster: String?
        var user: String?
        var namespace: String?
    }
}
