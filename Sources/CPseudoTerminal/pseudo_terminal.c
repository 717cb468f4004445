// posix_openpt and friends are XSI; Swift's Glibc module does not expose them, so they are reached here.
#define _XOPEN_SOURCE 700
#define _DEFAULT_SOURCE
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
    const char *slave = ptsname(fd);
    if (slave == NULL || strlen(slave) + 1 > name_len) {
        close(fd);
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(name, slave);
    return fd;
}
