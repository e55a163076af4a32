/* Linux readiness notification for NovarecHTTP's event loops and `bench http`'s load client:
   Swift's Glibc module does not include these headers. Part of glibc, so nothing to link. */
#include <sys/epoll.h>
#include <sys/eventfd.h>
