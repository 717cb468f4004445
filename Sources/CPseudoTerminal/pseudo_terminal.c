// posix_openpt and friends are XSI; Swift's Glibc module does not expose them, so they are reached here.
// ptsname_r (thread-safe, unlike ptsname) is a GNU extension.
#define _GNU_SOURCE
#include "pseudo_terminal.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int niihub_open_pty_master(char *name, size_t name_len) {
    int fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) return -1;
    if (grantpt(fd) != 0 || unlockpt(fd) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    // ptsname_r, not ptsname: ptsname answers in one static buffer for the whole process, so a
    // terminal opened on another thread meanwhile could hand this one its slave's name.
    int rc = ptsname_r(fd, name, name_len);
    if (rc != 0) {
        close(fd);
        errno = rc == ERANGE ? ENAMETOOLONG : rc;
        return -1;
    }
    return fd;
}
