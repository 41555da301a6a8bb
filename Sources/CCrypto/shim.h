#ifndef FIELDSYNC_CCRYPTO_SHIM_H
#define FIELDSYNC_CCRYPTO_SHIM_H
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/err.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/crypto.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/bn.h>

/* EVP_CIPHER_CTX_ctrl and friends take void*; typed shims keep Swift free of casts. */
static inline int fs_evp_gcm_set_ivlen(EVP_CIPHER_CTX *c, int len) {
    return EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, len, NULL);
}
static inline int fs_evp_gcm_get_tag(EVP_CIPHER_CTX *c, int len, unsigned char *tag) {
    return EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, len, tag);
}
static inline int fs_evp_gcm_set_tag(EVP_CIPHER_CTX *c, int len, unsigned char *tag) {
    return EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, len, tag);
}

/* OSSL_PARAM keeps pointers to its key names, and Swift's bridged C strings die after each call,
   so the HKDF parameter array is built here where the names are static. Salt or info of length 0
   are left out (the RFC's empty string). Returns EVP_KDF_derive's result: 1 on success. */
static inline int fs_kdf_derive_hkdf_sha256(EVP_KDF_CTX *ctx,
                                            const unsigned char *key, size_t keylen,
                                            const unsigned char *salt, size_t saltlen,
                                            const unsigned char *info, size_t infolen,
                                            unsigned char *out, size_t outlen) {
    OSSL_PARAM params[5];
    OSSL_PARAM *p = params;
    *p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0);
    *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)key, keylen);
    if (saltlen > 0) *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt, saltlen);
    if (infolen > 0) *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)info, infolen);
    *p = OSSL_PARAM_construct_end();
    return EVP_KDF_derive(ctx, out, outlen, params);
}
#endif
