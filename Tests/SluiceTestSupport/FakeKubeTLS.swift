/// Test PKI of the fake API server, generated once with `openssl` (EC P-256, valid until 2126):
///
/// ```
/// openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 36500 \
///   -subj "/CN=Sluice Test CA" -addext basicConstraints=critical,CA:TRUE ...   # caCertificate
/// openssl x509 -req -CA ca.crt -CAkey ca.key -days 36500 \
///   -extfile <(echo subjectAltName=IP:127.0.0.1,DNS:localhost)                # serverCertificate
/// ```
///
/// The client certificate (CN `sluice-test-client`, extendedKeyUsage clientAuth) is signed by the
/// same CA; `unrelatedCACertificate` signed nothing here (for "wrong CA" tests). The keys are
/// test-only and public.
public enum FakeKubeTLS {
    public static let caCertificate = """
        -----BEGIN CERTIFICATE-----
        MIIBmDCCAT+gAwIBAgIUTj0YEk+naRXTWEqxSCtOBeMCiRcwCgYIKoZIzj0EAwIw
        GTEXMBUGA1UEAwwOU2x1aWNlIFRlc3QgQ0EwIBcNMjYxMTIyMDMyNTE4WhgPMjEy
        NjEwMjkwMzI1MThaMBkxFzAVBgNVBAMMDlNsdWljZSBUZXN0IENBMFkwEwYHKoZI
        zj0CAQYIKoZIzj0DAQcDQgAEuqC/PAxW8F/cefXAUMiIeCHynDIbqH8ZW8gzfzo+
        C/EB/kIQx5ASjjIBLPVSvW/A5KQXULgNncmhuTEDtIDrGqNjMGEwHQYDVR0OBBYE
        FM4BP7FsQDfkkwpg+flu4NM2ghwtMB8GA1UdIwQYMBaAFM4BP7FsQDfkkwpg+flu
        4NM2ghwtMA8GA1UdEwEB/wQFMAMBAf8wDgYDVR0PAQH/BAQDAgEGMAoGCCqGSM49
        BAMCA0cAMEQCIBqoUjqLwCAuv5/nnm3lH5otdl+SuCzW8HS4IUXxv3lWAiAjNVOl
        MwT3PfMttyEC7X7nuNF9TfRUh9s5H6ypzTnwRA==
        -----END CERTIFICATE-----
        """

    public static let serverCertificate = """
        -----BEGIN CERTIFICATE-----
        MIIBwTCCAWegAwIBAgIUMamBv07P2W46y6ztSnrpEuBxIPQwCgYIKoZIzj0EAwIw
        GTEXMBUGA1UEAwwOU2x1aWNlIFRlc3QgQ0EwIBcNMjYxMTIyMDMyNTE4WhgPMjEy
        NjEwMjkwMzI1MThaMBQxEjAQBgNVBAMMCWxvY2FsaG9zdDBZMBMGByqGSM49AgEG
        CCqGSM49AwEHA0IABLdXjozlWrUF2vgaQuj1iR++uKwumwaC6kb02B37iv+Z6EF9
        fjWKNpQ/P2g/lrqJo1syFoubAyjxcXz7ByIVUbijgY8wgYwwGgYDVR0RBBMwEYcE
        fwAAAYIJbG9jYWxob3N0MAkGA1UdEwQCMAAwEwYDVR0lBAwwCgYIKwYBBQUHAwEw
        DgYDVR0PAQH/BAQDAgeAMB0GA1UdDgQWBBQjxocn8QguFkqifPIKBZxoQueQCTAf
        BgNVHSMEGDAWgBTOAT+xbEA35JMKYPn5buDTNoIcLTAKBggqhkjOPQQDAgNIADBF
        AiEAnWQMMYR83+NSyGwCaaL7DkGnii9MVB5fJZNDsbSA8MECICwYKwCRsbRt3CK+
        Xj+ITjDKruOTw16zWVukvTNA2x3s
        -----END CERTIFICATE-----
        """

    public static let serverKey = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgRGS0QBA4QEOj2+BC
        6xBDHwlJpeaAHCaPxsGe7hw437uhRANCAAS3V46M5Vq1Bdr4GkLo9YkfvrisLpsG
        gupG9Ngd+4r/mehBfX41ijaUPz9oP5a6iaNbMhaLmwMo8XF8+wciFVG4
        -----END PRIVATE KEY-----
        """

    public static let clientCertificate = """
        -----BEGIN CERTIFICATE-----
        MIIBxjCCAWugAwIBAgIUMamBv07P2W46y6ztSnrpEuBxIPUwCgYIKoZIzj0EAwIw
        GTEXMBUGA1UEAwwOU2x1aWNlIFRlc3QgQ0EwIBcNMjYxMTIyMDMyNTE4WhgPMjEy
        NjEwMjkwMzI1MThaMDYxGzAZBgNVBAMMEnNsdWljZS10ZXN0LWNsaWVudDEXMBUG
        A1UECgwOc3lzdGVtOm1hc3RlcnMwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAASz
        IWxZrrL/T3pIXTW/eiVqU+ZEjB/3xHaXZpssJQmeGcfOqKxkWexnqlnDeDa2KkAW
        9QvFsbZmhhm9MNRCGnbZo3IwcDAJBgNVHRMEAjAAMBMGA1UdJQQMMAoGCCsGAQUF
        BwMCMA4GA1UdDwEB/wQEAwIHgDAdBgNVHQ4EFgQU3AQV3ENc/5ye2DpCNYDzj92c
        c+swHwYDVR0jBBgwFoAUzgE/sWxAN+STCmD5+W7g0zaCHC0wCgYIKoZIzj0EAwID
        SQAwRgIhAMMmcrKskWWLtWujntKd26MdBt2Tkh9SUQOL2vPRXNehAiEAsv5l5JDl
        8bzfNqLELETUDfIRaxngDT11vP1QY/Tl6N4=
        -----END CERTIFICATE-----
        """

    public static let clientKey = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgoURgbvZ+jC0oS02+
        Maxgkzfmuqv1tDpJV5isHV/ceMehRANCAASzIWxZrrL/T3pIXTW/eiVqU+ZEjB/3
        xHaXZpssJQmeGcfOqKxkWexnqlnDeDa2KkAW9QvFsbZmhhm9MNRCGnbZ
        -----END PRIVATE KEY-----
        """

    public static let unrelatedCACertificate = """
        -----BEGIN CERTIFICATE-----
        MIIBozCCAUmgAwIBAgIUe+/2IkwhzyagT4Xcm7SOMnaWmkQwCgYIKoZIzj0EAwIw
        HjEcMBoGA1UEAwwTU2x1aWNlIFVucmVsYXRlZCBDQTAgFw0yNjExMjIwMzI1MTha
        GA8yMTI2MTAyOTAzMjUxOFowHjEcMBoGA1UEAwwTU2x1aWNlIFVucmVsYXRlZCBD
        QTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABBwhWT8eD1/3yo2SKzsEA1uo0EE0
        SM7ozJG+6jQ4aB3FsXvLW2v7NU5War47h8xN3e5Ic75BanQMwiYuwwwTqKejYzBh
        MB0GA1UdDgQWBBTbYtXKqH6ZzrIAgana7jYyXlaRpzAfBgNVHSMEGDAWgBTbYtXK
        qH6ZzrIAgana7jYyXlaRpzAPBgNVHRMBAf8EBTADAQH/MA4GA1UdDwEB/wQEAwIB
        BjAKBggqhkjOPQQDAgNIADBFAiBHeouYmht3dRHIvMJ1Qj2EGWp7uLceTHlIYcbM
        d/d0KgIhAK9r/2n5JjA9CoPHzEO/w8JG3rdWB0v17hG/Gym7odgg
        -----END CERTIFICATE-----
        """
}
