#ifndef CLZ4_SHIM_H
#define CLZ4_SHIM_H
// The frame API (lz4frame.h) is all msgarchive uses; it is plain C and imports without wrappers.
#include <lz4frame.h>
#endif
