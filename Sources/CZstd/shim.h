#ifndef CZSTD_SHIM_H
#define CZSTD_SHIM_H
// The stable API of zstd.h (contexts, parameters, ZSTD_compress2, ZSTD_decompressStream) is all msgarchive uses;
// it is plain C and imports without wrappers.
#include <zstd.h>
#endif
