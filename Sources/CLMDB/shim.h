#include <lmdb.h>

#if defined(__linux__)
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/syscall.h>
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif
/// Swaps two paths atomically (renameat2 with RENAME_EXCHANGE). Returns 0, or -1 with errno set
/// (EINVAL or ENOSYS where the file system or kernel cannot exchange).
static inline int hoso_exchange_paths(const char *a, const char *b) {
#ifdef SYS_renameat2
    return (int)syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE);
#else
    errno = ENOSYS;
    return -1;
#endif
}
#elif defined(__APPLE__)
#include <stdio.h>
static inline int hoso_exchange_paths(const char *a, const char *b) {
    return renamex_np(a, b, RENAME_SWAP);
}
#endif
