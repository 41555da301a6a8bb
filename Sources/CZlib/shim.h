#ifndef FIELDSYNC_CZLIB_SHIM_H
#define FIELDSYNC_CZLIB_SHIM_H
#include <zlib.h>

/* deflateInit2/inflateInit2 are macros over the _ variants; give Swift callable functions. */
static inline int fs_deflate_init2(z_streamp s, int level, int windowBits) {
    return deflateInit2(s, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY);
}
static inline int fs_inflate_init2(z_streamp s, int windowBits) {
    return inflateInit2(s, windowBits);
}
#endif
