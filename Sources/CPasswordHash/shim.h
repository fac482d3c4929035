#ifndef SLUICE_CPASSWORDHASH_SHIM_H
#define SLUICE_CPASSWORDHASH_SHIM_H
// The htpasswd hash functions basic authentication checks passwords with (see
// PasswordVerifier): libxcrypt's crypt_rn (bcrypt, $5$, $6$) and apr-util's apr_md5_encode
// ($apr1$) and apr_sha1_base64 ({SHA}), the ones Apache's htpasswd uses. Debian installs
// apr-util's headers in apr-1.0/, which they include from by relative name.
#include <crypt.h>
#include <apr-1.0/apr_md5.h>
#include <apr-1.0/apr_sha1.h>
#endif
