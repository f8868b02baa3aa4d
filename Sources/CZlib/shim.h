#include <zlib.h>

// inflateInit2 is a macro, which Swift cannot call; this wrapper can be.
static inline int osiscope_inflateInit2(z_streamp stream, int windowBits) {
    return inflateInit2(stream, windowBits);
}
