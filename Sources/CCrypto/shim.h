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
#endif
