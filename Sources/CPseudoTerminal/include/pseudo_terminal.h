#ifndef NIIHUB_PSEUDO_TERMINAL_H
#define NIIHUB_PSEUDO_TERMINAL_H
#include <stddef.h>

/// Opens a pseudo-terminal master (posix_openpt, grantpt, unlockpt) and writes the slave's path into
/// `name`. Returns the master descriptor, or -1 with errno set.
int niihub_open_pty_master(char *name, size_t name_len);

#endif
